// The tumour board (RCP) meeting and its proposals, and the personalised care programme (PPS).

Profile: OncoRcpMeeting
Parent: Encounter
Id: onco-rcp-meeting
Title: "Réunion de concertation pluridisciplinaire (RCP)"
Description: "The RCP meeting where the case was discussed (CDA: encompassingEncounter and documentationOf/serviceEvent of the fiche RCP). Identifiers: the RRC, the manager and the RCP itself; participants are PractitionerRoles (coordinator, members, attending physician); the period start is the meeting date."
* identifier MS
* identifier ^short = "Identifiants du RRC, du gestionnaire et de la RCP"
* status MS
* class MS
* class ^short = "VR (RCP sans le patient), AMB…"
* type 1..* MS
* type ^slicing.discriminator.type = #pattern
* type ^slicing.discriminator.path = "$this"
* type ^slicing.rules = #open
* type contains rcp 1..1 MS
* type[rcp] = $tre-r213#39
* type[rcp] ^short = "Réunion de Concertation Pluridisciplinaire (RCP) (TRE_R213-ModePriseEnCharge)"
* subject 1..1 MS
* subject only Reference(Patient)
* participant MS
* participant.type MS
* participant.individual 1..1 MS
* participant.individual only Reference(PractitionerRole)
* period 1..1 MS
* period.start 1..1 MS
* period.start ^short = "Date de la RCP"
* serviceProvider MS
* location MS

Profile: OncoRcpProposal
Parent: ServiceRequest
Id: onco-rcp-proposal
Title: "Proposition de la RCP"
Description: "One proposal of the tumour board (CDA FR-Plan-de-soins of the fiche RCP): a planned treatment or procedure (FR-Acte INT), a referral to a recourse RCP or surveillance (FR-Rencontre ARQ), or an examination or follow-up request (FR-Demande-d-examen-ou-de-suivi PRP)."
* status MS
* intent = #proposal (exactly)
* category 1..* MS
* category ^slicing.discriminator.type = #value
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category ^slicing.description = "By the required binding of the slice"
* category contains kind 1..1 MS
* category[kind] from OncoRcpProposalKind (required)
* code 1..1 MS
* code from OncoRcpProposalCode (preferred)
* subject MS
* subject only Reference(Patient)
* encounter MS
* encounter only Reference(OncoRcpMeeting)
* encounter ^short = "La RCP qui a fait la proposition"
* occurrence[x] MS
* occurrence[x] ^short = "Date prévue"
* reasonReference MS
* reasonReference only Reference(Condition)
* note MS

Profile: OncoPpsCarePlan
Parent: CarePlan
Id: onco-pps-careplan
Title: "Programme personnalisé de soins (un volet)"
Description: "One part of the PPS (CDA FR-Plan-de-soins 18776-5): the treatment and follow-up programme (MED-566) or supportive care with social and professional support (MED-567). Each activity says its kind (treatment, side-effect management, associated measure, follow-up, supportive care, social support), what is planned, when (planned dates, rhythm as a Timing) and by whom."
* status MS
* intent = #plan (exactly)
* category 1..* MS
* category ^slicing.discriminator.type = #value
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category ^slicing.description = "By the required binding of the slice"
* category contains ppsPart 1..1 MS
* category[ppsPart] from OncoPpsPart (required)
* subject MS
* subject only Reference(Patient)
* period MS
* created MS
* author MS
* activity MS
* activity.detail 1..1 MS
* activity.reference 0..0
* activity.detail.extension contains PpsActivityType named activityType 1..1 MS and AdministrationMode named administrationMode 0..1
* activity.detail.code 1..1 MS
* activity.detail.code ^short = "Ce qui est prévu (p. ex. chimiothérapie, consultation diététique)"
* activity.detail.status MS
* activity.detail.status ^short = "not-started / scheduled (prévu, moodCode INT), completed (réalisé, EVN)…"
* activity.detail.scheduled[x] only Timing or Period or string
* activity.detail.scheduled[x] MS
* activity.detail.scheduled[x] ^short = "Dates prévisionnelles (Timing.event) et rythme (Timing.repeat, ou code.text)"
* activity.detail.performer MS
* activity.detail.description MS

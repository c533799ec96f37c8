// Code systems. Two are ours (no official code exists for these notions); the third is the extract of
// the CI-SIS terminology that the cancer documents use, under its official ANS url and marked as a
// fragment, so that codes it does not list are accepted as "not checked" rather than rejected.

CodeSystem: TerminologieCisisExtrait
Id: terminologie-cisis
Title: "Terminologie CI-SIS (extrait utilisé par les documents de cancérologie)"
Description: "Extract of the CI-SIS terminology (TA_ASIP / TerminologieCISIS, OID 1.2.250.1.213.1.1.4.322) with the codes that the fiche RCP, PPS, CR-GM and CR-ACP volets use in oncofhir's value sets. Content = fragment: the complete terminology is published by the ANS."
* ^url = "https://smt.esante.gouv.fr/fhir/CodeSystem/terminologie-cisis"
* ^identifier.system = "urn:ietf:rfc:3986"
* ^identifier.value = "urn:oid:1.2.250.1.213.1.1.4.322"
* ^status = #active
* ^content = #fragment
* ^caseSensitive = true
* ^experimental = false
// Header and generic entries
* #GEN-037 "Motif de mise à jour"
* #GEN-065 "Statut du document"
* #GEN-092.03.01 "Autres traitements (à préciser)"
* #GEN-098 "Nature de la discussion"
* #GEN-099 "Information RCP"
* #GEN-100 "Dossier complet"
* #GEN-177 "Date(s) prévisionnelle(s)"
* #GEN-178 "Date de remise du document au patient"
* #GEN-293 "Commentaire sur le patient"
* #GEN-294 "Information pour le patient"
// Fiche RCP
* #ORG-064 "Demande d'examen ou de suivi"
* #ORG-114 "Proposition de traitement (dont ajustement et surveillance)"
* #ORG-115 "Recours"
* #ORG-116 "Pédiatrie"
* #ORG-117 "RCP Appareil - Organes"
* #ORG-118 "Appareil concerné"
* #ORG-119 "Organe"
* #ORG-120 "Passage en RCP recours"
* #ORG-125 "Quorum RCP"
* #ORG-126 "Quorum atteint"
* #ORG-127 "Statut du cas présenté"
* #ORG-128 "Cas enregistré"
* #ORG-132 "RCP Transversale et de soins de support"
* #ORG-184 "RCP de recours"
* #ORG-185 "RCP pédiatrique"
* #ORG-186 "Motif de la RCP"
* #ORG-189 "Date de la RCP"
* #MED-226 "Surveillance seule"
* #MED-227 "Surveillance active"
* #MED-235 "Avis diagnostique"
* #MED-239 "Echelle de performance OMS"
* #MED-243 "Phase du cancer"
* #MED-244 "Rechute du cancer"
* #MED-245 "Progression du cancer"
* #MED-246 "Progression locale du cancer"
* #MED-247 "Progression régionale du cancer"
* #MED-248 "Progression à distance du cancer"
* #MED-249 "Recommandation/référentiel de pratique clinique"
* #MED-250 "Proposition d'inclusion dans un essai clinique"
// PPS
* #ORG-004 "Rythme"
* #ORG-006 "Mode"
* #MED-052 "Arrêt de tous les traitements actifs"
* #MED-565 "Effets secondaires"
* #MED-566 "Programme thérapeutique et de suivi"
* #MED-567 "Soins oncologiques de support, accompagnement social et socioprofessionnel"
* #MED-568 "Traitement"
* #MED-569 "Action de prévention et de gestion médicamenteuse des effets secondaires"
* #MED-570 "Mesure associée"
* #MED-571 "Suivi"
* #MED-572 "Soin oncologique de support"
* #MED-573 "Accompagnement social ou socioprofessionnel"
// CR-GM
* #MED-299 "Impact de la mutation"
* #MED-536 "Variants dont l'impact clinique est connu"
* #MED-537 "Variants à discuter en staff moléculaire"
* #MED-538 "Variants dont la valeur prédictive est inconnue"
* #MED-539 "Gène(s) pour le(s)quel(s) aucune anomalie n'a été trouvée"
* #MED-540 "Résultat non interprétable"
* #MED-542 "Résultats avec une mutation observée"
* #MED-543 "Résultats sans mutation"
* #MED-544 "Résultats non interprétables"
* #MED-545 "Suspicion d'une amplification ou d'une délétion"
// CR-ACP (pTNM categories with their y/r prefixes, as coded by the APSR 2021.01 volets)
* #MED-830 "pT"
* #MED-831 "pN"
* #MED-832 "pM"
* #MED-833 "ypM"
* #MED-834 "ypT"
* #MED-835 "rpT"
* #MED-836 "yrpT"
* #MED-837 "ypN"
* #MED-838 "rpN"
* #MED-839 "yrpN"
* #MED-840 "rpM"
* #MED-841 "yrpM"
* #MED-852 "Marge longitudinale"
* #MED-864 "Code lésion"

CodeSystem: TnmEdition
Id: tnm-edition
Title: "Édition de la classification TNM"
Description: "Edition of the TNM classification a stage was assigned with (Observation.method of the TNM and stage observations). The CDA carries it as the qualifier 21917-0 (TNM version)."
* ^status = #active
* ^content = #complete
* ^caseSensitive = true
* ^experimental = false
* #uicc-7 "UICC TNM, 7e édition (2009)"
* #uicc-8 "UICC TNM, 8e édition (2017)"
* #uicc-9 "UICC TNM, 9e édition (2025)"
* #ajcc-8 "AJCC Cancer Staging Manual, 8e édition"

CodeSystem: RcpProposalKind
Id: rcp-proposal-kind
Title: "Nature d'une proposition de RCP"
Description: "What an RCP proposal asks for (ServiceRequest.category of onco-rcp-proposal). The CDA tells them apart by entry template: FR-Acte (INT), FR-Rencontre (ARQ: RCP de recours, surveillance) and FR-Demande-d-examen-ou-de-suivi (PRP)."
* ^status = #active
* ^content = #complete
* ^caseSensitive = true
* ^experimental = false
* #planned-procedure "Acte ou traitement proposé" "A treatment or procedure the RCP proposes (FR-Acte, moodCode INT)."
* #rcp-referral "Passage en RCP de recours" "Referral to another (recourse) RCP (FR-Rencontre ORG-120)."
* #surveillance "Surveillance" "Surveillance only or active surveillance (FR-Rencontre MED-226 / MED-227)."
* #exam-request "Demande d'examen ou de suivi" "A further examination or follow-up request (FR-Demande-d-examen-ou-de-suivi, ORG-064)."

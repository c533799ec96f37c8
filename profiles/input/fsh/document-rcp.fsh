// Fiche RCP (CI-SIS volet CANCER-FRCP, document code 34794-8); sections as in src/documents/rcp/document.json.

Profile: OncoBundleRcp
Parent: Bundle
Id: onco-bundle-rcp
Title: "Fiche RCP (document)"
Description: "The fiche RCP as a FHIR document Bundle."
* insert OncoDocumentBundle(OncoCompositionRcp)

Profile: OncoCompositionRcp
Parent: Composition
Id: onco-composition-rcp
Title: "Fiche RCP (Composition)"
Description: "Tumour board report (fiche de réunion de concertation pluridisciplinaire), LOINC 34794-8. The encounter is the RCP meeting. Mandatory sections as asserted by CI-SIS_CANCER-FRCP_2022.01."
* insert OncoComposition
* type = $loinc#34794-8
* encounter 1..1
* encounter only Reference(OncoRcpMeeting)
* section contains
    reasonForReferral 1..1 and resultsEvents 1..1 and cancerDiagnosis 1..1 and medicalHistory 0..1 and
    activeProblems 0..1 and functionalStatus 0..1 and examResults 0..2 and progressNote 1..1 and
    proceduresHistory 0..1 and operativeReportConclusion 0..1 and molecularGeneticsConclusion 0..1 and
    historyOfPresentIllness 1..1 and rcpFileStatus 1..1 and planOfCare 1..1 and proposalFramework 1..1 and
    comments 0..* and documentStatus 1..1
* insert Section(reasonForReferral, 42349-1, [[Type de RCP / motif de la RCP (FR-Raison-de-la-recommandation)]])
* insert Section(resultsEvents, 42545-4, [[Mode de découverte du cancer (FR-Resultats-evenements)]])
* insert Section(cancerDiagnosis, 72135-7, [[Tumeur (FR-Diagnostic-du-cancer): cancer primitif, TNM et stade]])
* insert Section(medicalHistory, 11348-0, [[Antécédents (FR-Antecedents-medicaux-non-code)]])
* insert Section(activeProblems, 11450-4, [[Problèmes actifs (FR-Problemes-actifs-non-code)]])
* insert Section(functionalStatus, 47420-5, [[Évaluation du statut fonctionnel: douleur, score OMS, dépression gériatrique]])
* insert Section(examResults, 30954-2, [[Résultats d'examens ou conclusion du CR-ACP (FR-Resultats-examens-non-code, FR-Conclusion-du-CR-ACP)]])
* insert Section(progressNote, 18733-6, [[Phase clinique de la maladie (FR-Note-de-progression)]])
* insert Section(proceduresHistory, 29554-3, [[Traitements passés ou en cours (FR-Actes-et-interventions)]])
* insert Section(operativeReportConclusion, 10218-6, [[Compte rendu opératoire (FR-Conclusion-de-CRO)]])
* insert Section(molecularGeneticsConclusion, 50397-9, [[Compte rendu d'analyse moléculaire (FR-Conclusion-CR-GM)]])
* insert Section(historyOfPresentIllness, 10164-2, [[Synthèse du cas présenté et question posée à la RCP]])
* insert Section(rcpFileStatus, 21874-3, [[Proposition de la RCP (FR-Statut-dossier-RCP)]])
* insert Section(planOfCare, 18776-5, [[Plan de soins: les propositions de la RCP]])
* insert Section(proposalFramework, 35510-7, [[Cadre de la proposition thérapeutique]])
* insert Section(comments, 55112-7, [[Commentaires / précisions sur le patient]])
* insert Section(documentStatus, 33557-0, [[Statut du document]])

// PPS (CI-SIS volet CANCER-PPS, document code 18776-5); sections as in src/documents/pps/document.json.

Profile: OncoBundlePps
Parent: Bundle
Id: onco-bundle-pps
Title: "PPS (document)"
Description: "The programme personnalisé de soins as a FHIR document Bundle."
* insert OncoDocumentBundle(OncoCompositionPps)

Profile: OncoCompositionPps
Parent: Composition
Id: onco-composition-pps
Title: "PPS (Composition)"
Description: "Personalised care programme in oncology, LOINC 18776-5. It has one or two care-plan sections (18776-5): the treatment and follow-up programme and, optionally, supportive care with social support; the CDA tells them apart by a CI-SIS translation of the section code (MED-566 / MED-567), and each holds an onco-pps-careplan whose category carries that part."
* insert OncoComposition
* type = $loinc#18776-5
* section contains
    reasonForReferral 0..1 and cancerDiagnosis 1..1 and resultsEvents 0..1 and progressNote 0..1 and
    carePlan 1..2 and documentStatus 1..1 and referencedDocuments 0..1 and comments 0..*
* insert Section(reasonForReferral, 42349-1, [[Raison de la recommandation (pédiatrie)]])
* insert Section(cancerDiagnosis, 72135-7, [[Diagnostic: cancer primitif, TNM et stade]])
* insert Section(resultsEvents, 42545-4, [[Mode de découverte du cancer]])
* insert Section(progressNote, 18733-6, [[Phase clinique de la maladie]])
* insert Section(carePlan, 18776-5, [[Programme thérapeutique et de suivi (MED-566) ; soins oncologiques de support, accompagnement social et socioprofessionnel (MED-567)]])
* insert Section(documentStatus, 33557-0, [[Statut du document: statut, motif de mise à jour, date de la RCP, date de remise]])
* insert Section(referencedDocuments, 55107-7, [[Documents référencés]])
* insert Section(comments, 55112-7, [[Commentaire sur le patient (GEN-293) ; information sur les données personnelles (GEN-294)]])

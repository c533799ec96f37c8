// CR-ACP (IHE APSR 2.0 based; document code 60568-3, legacy APSR 2021.01 11526-1); sections as in
// src/documents/cracp/document.json.

Profile: OncoBundleCracp
Parent: Bundle
Id: onco-bundle-cracp
Title: "CR-ACP (document)"
Description: "The pathology report as a FHIR document Bundle."
* insert OncoDocumentBundle(OncoCompositionCracp)

Profile: OncoCompositionCracp
Parent: Composition
Id: onco-composition-cracp
Title: "CR-ACP (Composition)"
Description: "Pathology report (compte rendu d'anatomie et de cytologie pathologiques), LOINC 60568-3 (11526-1 for documents converted from the APSR 2021.01 templates). Macroscopy, microscopy and additional observations repeat per tumour or zone of interest."
* insert OncoComposition
* type from OncoCracpDocumentType (required)
* section contains
    clinicalInformation 1..1 and intraoperative 0..1 and specimens 1..1 and macroscopy 0..* and
    microscopy 0..* and additionalObservations 0..* and conclusion 1..*
* insert Section(clinicalInformation, 22636-5, [[Renseignements cliniques]])
* insert Section(intraoperative, 83321-0, [[Examen extemporané]])
* insert Section(specimens, 46059-2, Prélèvement)
* insert Section(macroscopy, 22634-0, Macroscopie)
* insert Section(microscopy, 22635-7, [[Examen microscopique]])
* insert Section(additionalObservations, 89201-8, [[Informations additionnelles, code lésion, ganglions, métastases, TNM, statut R]])
* insert Section(conclusion, 22637-3, [[Synthèse diagnostique]])

// CR-GM (CI-SIS volet CANCER-CR-GM, document code 51969-4); sections as in src/documents/crgm/document.json.

Profile: OncoBundleCrgm
Parent: Bundle
Id: onco-bundle-crgm
Title: "CR-GM (document)"
Description: "The molecular genetics report as a FHIR document Bundle."
* insert OncoDocumentBundle(OncoCompositionCrgm)

Profile: OncoCompositionCrgm
Parent: Composition
Id: onco-composition-crgm
Title: "CR-GM (Composition)"
Description: "Molecular genetics report (compte rendu de génétique moléculaire), LOINC 51969-4. Mandatory sections as asserted by CI-SIS_CANCER-CR-GM_2022.01; the results section holds onco-genomic-variant observations, the conclusion their implications."
* insert OncoComposition
* type = $loinc#51969-4
* section contains
    clinicalInformation 1..1 and specimens 1..1 and macroscopy 1..1 and results 1..1 and
    conclusion 1..1 and method 1..1 and documentStatus 1..1
* insert Section(clinicalInformation, 22636-5, [[Demande d'examen et motif de l'analyse]])
* insert Section(specimens, 46059-2, [[Informations sur le prélèvement]])
* insert Section(macroscopy, 22634-0, [[Renseignements anatomocytopathologiques sur le prélèvement]])
* insert Section(results, 83321-0, [[Résultats: les variants]])
* insert Section(conclusion, 22637-3, [[Conclusion / interprétation des résultats]])
* insert Section(method, 89201-8, Méthode)
* insert Section(documentStatus, 33557-0, [[Statut du document]])

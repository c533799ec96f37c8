// The cancer itself and its staging, after mCODE's patterns (PrimaryCancerCondition, TNM category and
// stage group, histologic grade), with French codes: ICD-O-3 morphology, ICD-10 or ICD-O-3 topography,
// UICC TNM (CDA codeSystem 2.16.840.1.113883.15.6) and the CI-SIS pTNM codes of the CR-ACP.

RuleSet: OncoObservationBase
* status MS
* code 1..1 MS
* subject 1..1 MS
* subject only Reference(Patient)
* effective[x] MS
* focus MS
* focus ^short = "Le cancer (Condition) que l'observation qualifie"

Profile: OncoPrimaryCancerCondition
Parent: Condition
Id: onco-primary-cancer-condition
Title: "Cancer primitif"
Description: "A primary cancer (CDA FR-Diagnostic-du-cancer): the diagnosis code (ICD-10), the ICD-O-3 morphology and behaviour, the topography with its laterality and the date of diagnosis. The code may be text only when the CDA says nullFlavor OTH and keeps the detail in the narrative."
* code 1..1 MS
* code ^short = "Diagnostic (CIM-10), ou texte"
* subject MS
* subject only Reference(Patient)
* extension contains HistologyMorphologyBehavior named histologyMorphologyBehavior 0..1 MS
* bodySite MS
* bodySite ^short = "Topographie (CIM-10 ou CIM-O-3), avec sa latéralité"
* bodySite.extension contains Laterality named laterality 0..1 MS
* onset[x] only dateTime
* onset[x] MS
* onset[x] ^short = "Date du diagnostic"
* stage MS
* stage.assessment MS

Profile: OncoTnmCategory
Parent: Observation
Id: onco-tnm-category
Title: "Catégorie TNM (T, N ou M)"
Description: "One TNM category: clinical cT 21905-5, cN 21906-3, cM 21907-1 or pathological pT 21899-0, pN 21900-6, pM 21901-4 (or the CI-SIS pT…yrpM codes of the CR-ACP), valued in the UICC TNM classification whose edition is the method."
* insert OncoObservationBase
* obeys onco-value-or-absent
* code from OncoTnmCategoryCode (required)
* value[x] only CodeableConcept
* value[x] MS
* value[x] ^short = "Catégorie (UICC TNM, p. ex. T1b, N1, M0)"
* method from OncoTnmEdition (required)
* method MS
* method ^short = "Édition de la classification TNM (UICC 8e par défaut en France)"
* hasMember 0..0
* component 0..0

Profile: OncoStageGroup
Parent: Observation
Id: onco-stage-group
Title: "Stade (groupe de stade TNM)"
Description: "The stage group: clinical 21908-9 or pathological 21902-2, with its T, N and M categories as members. CDA: the TNM observation 75620-5 (stage: qualifier 21909-7, edition: qualifier 21917-0) or the pTNM organizer 21902-2 of the CR-ACP."
* insert OncoObservationBase
* obeys onco-value-or-absent-or-members
* code from OncoStageGroupCode (required)
* value[x] only CodeableConcept
* value[x] MS
* value[x] ^short = "Stade (p. ex. IB)"
* method from OncoTnmEdition (required)
* method MS
* hasMember MS
* hasMember only Reference(OncoTnmCategory)
* hasMember ^short = "Les catégories T, N et M"

Profile: OncoTumorGrade
Parent: Observation
Id: onco-tumor-grade
Title: "Grade tumoral"
Description: "The histologic grade of a tumour (LOINC 44648-4 in the CR-ACP, NCIt C18000 in mCODE)."
* insert OncoObservationBase
* obeys onco-value-or-absent
* code from OncoTumorGradeCode (required)
* value[x] only CodeableConcept or string
* value[x] MS
* method MS
* method ^short = "Système de grading (p. ex. OMS 5e édition)"
* specimen MS

Profile: OncoPerformanceStatus
Parent: Observation
Id: onco-performance-status
Title: "État général (performance status)"
Description: "WHO / ECOG (0 to 5) or Karnofsky (0 to 100) performance status. CDA: MED-239 in the sub-section 46006-3 of FR-Evaluation-du-statut-fonctionnel."
* insert OncoObservationBase
* obeys onco-value-or-absent and onco-performance-range
* code from OncoPerformanceStatusCode (required)
* value[x] only integer or CodeableConcept
* value[x] MS

Invariant: onco-value-or-absent
Description: "The observation has a value, or says why not (dataAbsentReason)"
Expression: "value.exists() or dataAbsentReason.exists()"
Severity: #error

Invariant: onco-value-or-absent-or-members
Description: "The stage has a value, members (its T, N and M) or a dataAbsentReason"
Expression: "value.exists() or hasMember.exists() or dataAbsentReason.exists()"
Severity: #error

Invariant: onco-performance-range
Description: "A WHO / ECOG score is an integer from 0 to 5, a Karnofsky score one from 0 to 100"
Expression: "value.ofType(integer).empty() or (value.ofType(integer) >= 0 and value.ofType(integer) <= iif(code.coding.where(code = '89243-0').exists(), 100, 5))"
Severity: #error

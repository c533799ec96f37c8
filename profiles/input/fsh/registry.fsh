// The cancer registry's FHIR view (src/registry/http): pseudonymised persons and consolidated tumours.
// Served read-only at /registry/fhir and exported per research project; nothing here names a person.

CodeSystem: EncrBasisOfDiagnosis
Id: encr-basis-of-diagnosis
Title: "Base du diagnostic (ENCR/IARC)"
Description: "Most valid basis of diagnosis of a registered tumour (IARC/ENCR codes; ENCR 2022 revision adds 8). The registry's rule table is src/registry/tumours/rules/basis-of-diagnosis.json."
* ^status = #active
* ^content = #complete
* ^caseSensitive = true
* ^experimental = false
* #0 "Death certificate only"
* #1 "Clinical"
* #2 "Clinical investigation"
* #4 "Specific tumour markers"
* #5 "Cytology"
* #6 "Histology of a metastasis"
* #7 "Histology of the primary tumour"
* #8 "Cytogenetic or molecular confirmation"
* #9 "Unknown"

ValueSet: EncrBasisOfDiagnosisVS
Id: encr-basis-of-diagnosis
Title: "Base du diagnostic (ENCR/IARC)"
Description: "All ENCR/IARC basis-of-diagnosis codes."
* ^status = #active
* include codes from system EncrBasisOfDiagnosis

CodeSystem: RegistryTag
Id: registry
Title: "Registre des cancers"
Description: "Tags of the registry's resources."
* ^status = #active
* ^content = #complete
* ^caseSensitive = true
* ^experimental = false
* #registry-case "Consolidated registry case (pseudonymised)"

Extension: RegistryBasisOfDiagnosis
Id: registry-basis-of-diagnosis
Title: "Base du diagnostic"
Description: "The most valid basis of diagnosis among the documents that contributed to the tumour."
* ^context.type = #element
* ^context.expression = "Condition"
* value[x] only Coding
* value[x] 1..1
* value[x] from EncrBasisOfDiagnosisVS (required)

Extension: RegistryIncidenceEvent
Id: registry-incidence-event
Title: "Événement de la date d'incidence"
Description: "The ENCR event the incidence date (Condition.onsetDateTime) was taken from (src/registry/tumours/rules/incidence-events.json)."
* ^context.type = #element
* ^context.expression = "Condition"
* value[x] only code
* value[x] 1..1

Extension: RegistryRareCancerNetwork
Id: registry-rare-cancer-network
Title: "Réseau national de référence (cancers rares)"
Description: "A rare cancer (incidence < 6 per 100,000 a year) and the French reference network to route it to."
* ^context.type = #element
* ^context.expression = "Condition"
* value[x] only string
* value[x] 1..1

Extension: RegistryCheckWarning
Id: registry-check-warning
Title: "Alerte de contrôle (IARC)"
Description: "A warning of the IARC-style checks on the case (sex/site, age/site, site/morphology, behaviour/site, basis/morphology, multiple primaries)."
* ^context.type = #element
* ^context.expression = "Condition"
* value[x] only string
* value[x] 1..1

Profile: RegistryPatient
Parent: Patient
Id: onco-registry-patient
Title: "Personne du registre (pseudonymisée)"
Description: "A registry person: the id is the registry's person key (or a research project's pseudonym), and only sex, birth year and département of residence are kept."
* identifier 0..0
* name 0..0
* telecom 0..0
* photo 0..0
* contact 0..0
* gender 1..1
* birthDate 1..1
* birthDate obeys onco-birth-year-only
* address 0..1
* address.district 1..1
* address.line 0..0
* address.city 0..0
* address.postalCode 0..0
* address.text 0..0

Invariant: onco-birth-year-only
Description: "A registry person's birth date is a year only"
Expression: "toString().matches('^[0-9]{4}$')"
Severity: #error

Profile: RegistryCondition
Parent: Condition
Id: onco-registry-condition
Title: "Tumeur du registre (cas consolidé)"
Description: "One tumour after multiple-primary consolidation (IARC/IACR 2004): ICD-O-3 topography, morphology and behaviour, the most valid basis of diagnosis and the ENCR incidence date."
* extension contains
    HistologyMorphologyBehavior named morphology 1..1 and
    RegistryBasisOfDiagnosis named basis 1..1 and
    RegistryIncidenceEvent named incidenceEvent 0..1 and
    RegistryRareCancerNetwork named rareCancerNetwork 0..* and
    RegistryCheckWarning named checkWarning 0..*
* code 1..1
* code.coding 1..*
* code.coding.system = $icdo3
* subject only Reference(RegistryPatient)

Profile: RegistryBodyStructure
Parent: BodyStructure
Id: onco-registry-body-structure
Title: "Site et morphologie d'une tumeur du registre"
Description: "Topography, morphology and laterality of a registry tumour."
* morphology 1..1
* location 1..1
* patient only Reference(RegistryPatient)

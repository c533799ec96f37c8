// Extensions. The French patient ones mirror FR Core (fr-core-patient-birth-list-given-name,
// fr-core-address-insee-code); the cancer ones mirror mCODE (histology-morphology-behavior,
// laterality-qualifier). They live under our canonical because we cannot depend on those packages offline.

Extension: BirthListGivenName
Id: birth-list-given-name
Title: "Liste des prénoms de naissance"
Description: "The full list of given names of the birth certificate, space separated (INS trait; CDA name/given without qualifier). Mirrors FR Core fr-core-patient-birth-list-given-name."
* ^context.type = #element
* ^context.expression = "HumanName"
* value[x] only string
* value[x] 1..1

Extension: InseeCode
Id: insee-code
Title: "Code commune INSEE (COG)"
Description: "INSEE COG code of a commune (5 characters; 99xxx for a country of birth abroad). On the birth place, an INS trait (CDA birthplace/place/addr/county). Mirrors FR Core fr-core-address-insee-code."
* ^context.type = #element
* ^context.expression = "Address"
* obeys onco-insee-code
* value[x] only Coding
* value[x] 1..1
* valueCoding.code 1..1

Invariant: onco-insee-code
Description: "An INSEE COG code has 5 characters: the département (2 digits, or 2A / 2B for Corsica) and 3 digits"
Expression: "value.code.matches('^([0-9]{2}|2A|2B)[0-9]{3}$')"
Severity: #error

Extension: HistologyMorphologyBehavior
Id: histology-morphology-behavior
Title: "Morphologie et comportement (CIM-O-3)"
Description: "Histological type and behaviour of a cancer, in ICD-O-3 (e.g. 8500/3). CDA: the value of FR-Diagnostic-du-cancer. Mirrors mCODE histology-morphology-behavior."
* ^context.type = #element
* ^context.expression = "Condition"
* obeys onco-icdo3-morphology
* value[x] only CodeableConcept
* value[x] 1..1

Invariant: onco-icdo3-morphology
Description: "An ICD-O-3 morphology code is four digits from 8000 to 9999, a slash and the behaviour digit (0, 1, 2, 3, 6 or 9)"
Expression: "value.coding.where(system = 'http://terminology.hl7.org/CodeSystem/icd-o-3').all(code.matches('^[89][0-9]{3}/[012369]$'))"
Severity: #error

Extension: Laterality
Id: laterality
Title: "Latéralité"
Description: "Laterality of a body site (CDA qualifier 20228-3 of targetSiteCode). Mirrors mCODE laterality-qualifier."
* ^context[0].type = #element
* ^context[0].expression = "Condition.bodySite"
* ^context[1].type = #element
* ^context[1].expression = "Specimen.collection.bodySite"
* ^context[2].type = #element
* ^context[2].expression = "Observation.bodySite"
* value[x] only CodeableConcept
* value[x] 1..1
* value[x] from OncoLaterality (extensible)

Extension: PpsActivityType
Id: pps-activity-type
Title: "Type d'activité du PPS"
Description: "The kind of a PPS activity: treatment, side-effect management, associated measure, follow-up, supportive care, social support (CDA: code of the FR-Acte)."
* ^context.type = #element
* ^context.expression = "CarePlan.activity.detail"
* value[x] only CodeableConcept
* value[x] 1..1
* value[x] from OncoPpsActivityType (required)

Extension: AdministrationMode
Id: administration-mode
Title: "Mode d'administration"
Description: "How a planned treatment is given (CDA ORG-006 'Mode': EDQM standard term or HL7 RouteOfAdministration)."
* ^context.type = #element
* ^context.expression = "CarePlan.activity.detail"
* value[x] only CodeableConcept
* value[x] 1..1

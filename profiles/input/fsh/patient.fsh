// The French patient of the cancer documents, aligned with FR Core's fr-core-patient-ins: INS slices by
// assigning authority, the birth (official) name with the first given name and the full list of given
// names, and the INSEE birth-place code. As in the CI-SIS header rule, the INS traits become mandatory
// as soon as an INS is carried; a patient known only by a local id (IPP) stays valid.

RuleSet: InsSlice(system, short)
* system 1..1
* system = "{system}" (exactly)
* system ^short = "{short}"
* value 1..1
* obeys onco-ins-format and onco-ins-key

Profile: FrCancerPatient
Parent: Patient
Id: fr-cancer-patient
Title: "Patient (INS)"
Description: "Patient of a French cancer document. Identifiers: INS-NIR, INS-NIA, INS-NIR test and demo (urn:oid:1.2.250.1.213.1.4.8 / .9 / .10 / .11) and local ids. When an INS is present, the INS traits are required: birth name, first given name, list of given names, birth date, sex and INSEE birth-place code."
* obeys onco-ins-birth-name and onco-ins-first-given and onco-ins-given-list and onco-ins-birth-date and onco-ins-gender and onco-ins-birthplace and onco-ins-birthplace-insee and onco-ins-single
* identifier 1..* MS
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier ^slicing.description = "INS by assigning authority; other identifiers (IPP…) are open"
* identifier contains INS-NIR 0..1 MS and INS-NIA 0..1 MS and INS-NIR-TEST 0..1 and INS-NIR-DEMO 0..1
* identifier[INS-NIR] insert InsSlice(urn:oid:1.2.250.1.213.1.4.8, [[INS-NIR (production)]])
* identifier[INS-NIA] insert InsSlice(urn:oid:1.2.250.1.213.1.4.9, [[INS-NIA (temporaire)]])
* identifier[INS-NIR-TEST] insert InsSlice(urn:oid:1.2.250.1.213.1.4.10, [[INS-NIR de test]])
* identifier[INS-NIR-DEMO] insert InsSlice(urn:oid:1.2.250.1.213.1.4.11, [[INS-NIR de démonstration]])
* name 1..* MS
* name ^slicing.discriminator.type = #value
* name ^slicing.discriminator.path = "use"
* name ^slicing.rules = #open
* name contains officialName 0..1 MS and usualName 0..1 MS
* name[officialName] ^short = "Nom de naissance (CDA family qualifier BR) et premier prénom (given qualifier BR)"
* name[officialName].use 1..1
* name[officialName].use = #official (exactly)
* name[officialName].family 1..1
* name[officialName].given 0..1
* name[officialName].given ^short = "Premier prénom de l'acte de naissance"
* name[officialName].extension contains BirthListGivenName named birthListGivenName 0..1 MS
* name[usualName] ^short = "Nom et prénom utilisés (CDA qualifier CL)"
* name[usualName].use 1..1
* name[usualName].use = #usual (exactly)
* gender MS
* birthDate MS
* extension contains $patient-birthPlace named birthPlace 0..1 MS
* extension[birthPlace] ^short = "Lieu de naissance, avec le code INSEE (extension insee-code sur l'adresse)"

// The INS and its traits (CI-SIS structuration minimale; FR Core fr-core-patient-ins).
Invariant: onco-ins-birth-name
Description: "With an INS, the birth name is required: a name with use 'official' and a family name"
Expression: "identifier.where(system = 'urn:oid:1.2.250.1.213.1.4.8' or system = 'urn:oid:1.2.250.1.213.1.4.9' or system = 'urn:oid:1.2.250.1.213.1.4.10' or system = 'urn:oid:1.2.250.1.213.1.4.11').exists() implies name.where(use = 'official' and family.exists()).exists()"
Severity: #error

Invariant: onco-ins-first-given
Description: "With an INS, the first given name of the birth certificate is required (given of the name with use 'official')"
Expression: "identifier.where(system = 'urn:oid:1.2.250.1.213.1.4.8' or system = 'urn:oid:1.2.250.1.213.1.4.9' or system = 'urn:oid:1.2.250.1.213.1.4.10' or system = 'urn:oid:1.2.250.1.213.1.4.11').exists() implies name.where(use = 'official' and given.exists()).exists()"
Severity: #error

Invariant: onco-ins-given-list
Description: "With an INS, the list of given names of the birth certificate is required (extension birth-list-given-name on the name with use 'official')"
Expression: "identifier.where(system = 'urn:oid:1.2.250.1.213.1.4.8' or system = 'urn:oid:1.2.250.1.213.1.4.9' or system = 'urn:oid:1.2.250.1.213.1.4.10' or system = 'urn:oid:1.2.250.1.213.1.4.11').exists() implies name.where(use = 'official').extension('https://oncofhir.fr/StructureDefinition/birth-list-given-name').exists()"
Severity: #error

Invariant: onco-ins-birth-date
Description: "With an INS, the birth date is required"
Expression: "identifier.where(system = 'urn:oid:1.2.250.1.213.1.4.8' or system = 'urn:oid:1.2.250.1.213.1.4.9' or system = 'urn:oid:1.2.250.1.213.1.4.10' or system = 'urn:oid:1.2.250.1.213.1.4.11').exists() implies birthDate.exists()"
Severity: #error

Invariant: onco-ins-gender
Description: "With an INS, the sex is required"
Expression: "identifier.where(system = 'urn:oid:1.2.250.1.213.1.4.8' or system = 'urn:oid:1.2.250.1.213.1.4.9' or system = 'urn:oid:1.2.250.1.213.1.4.10' or system = 'urn:oid:1.2.250.1.213.1.4.11').exists() implies gender.exists()"
Severity: #error

Invariant: onco-ins-birthplace
Description: "With an INS, the birth place is required (extension patient-birthPlace)"
Expression: "identifier.where(system = 'urn:oid:1.2.250.1.213.1.4.8' or system = 'urn:oid:1.2.250.1.213.1.4.9' or system = 'urn:oid:1.2.250.1.213.1.4.10' or system = 'urn:oid:1.2.250.1.213.1.4.11').exists() implies extension('http://hl7.org/fhir/StructureDefinition/patient-birthPlace').exists()"
Severity: #error

// A warning, not an error: the official verdicts accept an APSR 2021.01 CR-ACP whose INS patient's birth
// place has a city and postal code but no INSEE code (county), and such documents must still convert.
Invariant: onco-ins-birthplace-insee
Description: "With an INS, the birth place should carry its INSEE code (extension insee-code on the patient-birthPlace address), as FR Core's fr-core-patient-ins requires"
Expression: "identifier.where(system = 'urn:oid:1.2.250.1.213.1.4.8' or system = 'urn:oid:1.2.250.1.213.1.4.9' or system = 'urn:oid:1.2.250.1.213.1.4.10' or system = 'urn:oid:1.2.250.1.213.1.4.11').exists() implies extension('http://hl7.org/fhir/StructureDefinition/patient-birthPlace').value.extension('https://oncofhir.fr/StructureDefinition/insee-code').exists()"
Severity: #warning

Invariant: onco-ins-single
Description: "At most one INS is in use (an INS identifier that is not 'old')"
Expression: "identifier.where((system = 'urn:oid:1.2.250.1.213.1.4.8' or system = 'urn:oid:1.2.250.1.213.1.4.9' or system = 'urn:oid:1.2.250.1.213.1.4.10' or system = 'urn:oid:1.2.250.1.213.1.4.11') and (use.empty() or use != 'old')).count() <= 1"
Severity: #error

Invariant: onco-ins-format
Description: "An INS (NIR or NIA) has 15 characters: 13 for the number (the département may be 2A or 2B) and a 2-digit key"
Expression: "value.matches('^[0-9]{5}([0-9]{2}|2A|2B)[0-9]{8}$')"
Severity: #error

// Beyond the official rules (a warning): the key is 97 minus the number modulo 97 (2A / 2B count as 19 / 18).
Invariant: onco-ins-key
Description: "The INS key (last 2 digits) should be 97 minus the 13-digit number modulo 97"
Expression: "value.matches('^[0-9]{5}([0-9]{2}|2A|2B)[0-9]{8}$') implies (97 - (value.substring(0, 13).replace('2A', '19').replace('2B', '18').toInteger() mod 97)) = value.substring(13, 2).toInteger()"
Severity: #warning

// What the four document Bundles and Compositions share: a FHIR document (Composition first, then the
// Patient and everything referenced) carrying the CI-SIS header: identifiers (ClinicalDocument/id on
// the Bundle, setId on the Composition, versionNumber), authors, the legal authenticator, the custodian,
// the confidentiality, and sections sliced by their LOINC code as in the CI-SIS volet.

RuleSet: OncoDocumentBundle(composition)
* type = #document (exactly)
* identifier 1..1 MS
* identifier ^short = "Identifiant de cette version du document (CDA ClinicalDocument/id)"
* timestamp 1..1 MS
* entry 2..* MS
* entry.fullUrl 1..1
* entry.resource 1..1
* entry.search 0..0
* entry.request 0..0
* entry.response 0..0
* entry ^slicing.discriminator.type = #type
* entry ^slicing.discriminator.path = "resource"
* entry ^slicing.rules = #open
* entry ^slicing.description = "The Composition (the first entry, bdl-11) and the Patient; the other entries are open"
* entry contains composition 1..1 MS and patient 1..1 MS
* entry[composition].resource only {composition}
* entry[patient].resource only FrCancerPatient

RuleSet: OncoComposition
* extension contains $versionNumber named versionNumber 0..1 MS
* extension[versionNumber] ^short = "Version du document (CDA versionNumber)"
* identifier 1..1 MS
* identifier ^short = "Identifiant commun à toutes les versions du document (CDA setId)"
* status MS
* type MS
* subject 1..1 MS
* subject only Reference(FrCancerPatient)
* encounter MS
* date MS
* author MS
* author only Reference(PractitionerRole or Practitioner or Organization or Device)
* title MS
* confidentiality 1..1 MS
* attester 1..* MS
* attester ^slicing.discriminator.type = #value
* attester ^slicing.discriminator.path = "mode"
* attester ^slicing.rules = #open
* attester contains legalAuthenticator 1..1 MS
* attester[legalAuthenticator] ^short = "Responsable du document (CDA legalAuthenticator)"
* attester[legalAuthenticator].mode = #legal (exactly)
* attester[legalAuthenticator].time MS
* attester[legalAuthenticator].party 1..1 MS
* attester[legalAuthenticator].party only Reference(PractitionerRole or Practitioner)
* custodian 1..1 MS
* custodian only Reference(Organization)
* relatesTo MS
* relatesTo ^short = "Document remplacé (CDA relatedDocument RPLC)"
* event MS
* event ^short = "Acte documenté (CDA documentationOf/serviceEvent)"
* section 1..* MS
* section.code 1..1 MS
* section ^slicing.discriminator.type = #pattern
* section ^slicing.discriminator.path = "code"
* section ^slicing.rules = #open
* section ^slicing.description = "By the LOINC code of the CI-SIS section (sections of other codes are open)"

RuleSet: Section(slice, code, short)
* section[{slice}].code = $loinc#{code}
* section[{slice}] ^short = "{short}"

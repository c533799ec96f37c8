// Pathology (CR-ACP, IHE APSR) and molecular genetics (CR-GM), after the HL7 cancer pathology and
// Genomics Reporting patterns: a DiagnosticReport over Specimens and Observations; variants with
// their gene and HGVS expressions as components, and implications derived from them.

Profile: OncoPathologyReport
Parent: DiagnosticReport
Id: onco-pathology-report
Title: "Compte rendu d'anatomie et de cytologie pathologiques"
Description: "The pathology report (CR-ACP): what was examined (specimens), the findings (results) and the diagnostic conclusion."
* status MS
* category 1..* MS
* category from OncoPathologyCategory (extensible)
* code MS
* code from OncoPathologyReportCode (required)
* subject 1..1 MS
* subject only Reference(Patient)
* effective[x] MS
* issued MS
* performer MS
* resultsInterpreter MS
* specimen MS
* specimen only Reference(OncoPathologySpecimen)
* result MS
* result only Reference(Observation)
* conclusion MS
* conclusionCode MS

Profile: OncoPathologySpecimen
Parent: Specimen
Id: onco-pathology-specimen
Title: "Prélèvement"
Description: "A specimen examined by pathology or molecular genetics (CDA specimen procedure steps): its type (ADICAP, SNOMED CT or HL7 v2-0487), collection (date, body site with laterality, method), reception and fixation."
* identifier MS
* accessionIdentifier MS
* type 1..1 MS
* subject 1..1 MS
* subject only Reference(Patient)
* receivedTime MS
* collection MS
* collection.collected[x] MS
* collection.method MS
* collection.bodySite MS
* collection.bodySite.extension contains Laterality named laterality 0..1 MS
* processing.additive MS
* processing.additive ^short = "Fixateur (p. ex. formol)"

Profile: OncoPathologyFinding
Parent: Observation
Id: onco-pathology-finding
Title: "Constatation anatomopathologique"
Description: "One finding of a pathology report: histological type (84882-0), grade (44648-4), invasion, margins (84885-3, MED-852), lymph nodes (92833-3, 72281-9), metastases, residual tumour (31210-8)… Findings may group others (hasMember), as the APSR sections do."
* insert OncoObservationBase
* obeys onco-finding-content
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains laboratory 1..1 MS
* category[laboratory] = $obs-category#laboratory
* code from OncoPathologyFindingCode (preferred)
* value[x] MS
* specimen MS
* specimen only Reference(Specimen)
* hasMember MS
* derivedFrom MS

Invariant: onco-finding-content
Description: "A finding has a value, components or members, or says why not (dataAbsentReason)"
Expression: "value.exists() or component.exists() or hasMember.exists() or dataAbsentReason.exists()"
Severity: #error

RuleSet: GenomicComponent(slice, code, short)
* component[{slice}].code = $loinc#{code}
* component[{slice}].code ^short = "{short}"

Profile: OncoGenomicVariant
Parent: Observation
Id: onco-genomic-variant
Title: "Variant génétique"
Description: "A variant found (or looked for) in one gene (CR-GM): the gene studied (48018-6, HGNC), the cDNA change c.HGVS (48004-6), the protein change p.HGVS (48005-3), the genomic change g.HGVS (81290-9), the clinical significance (53037-8) and the allele frequency. The observation code is 69548-6, its value says whether the variant is present."
* insert OncoObservationBase
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains laboratory 1..1 MS
* category[laboratory] = $obs-category#laboratory
* code = $loinc#69548-6
* value[x] only CodeableConcept
* value[x] MS
* value[x] from OncoVariantPresence (required)
* value[x] ^short = "Présent, absent, pas de résultat, indéterminé"
* specimen MS
* derivedFrom MS
* component MS
* component ^slicing.discriminator.type = #pattern
* component ^slicing.discriminator.path = "code"
* component ^slicing.rules = #open
* component contains geneStudied 1..1 MS and codingHgvs 0..1 MS and proteinHgvs 0..1 MS and genomicHgvs 0..1 MS and clinicalSignificance 0..1 MS and alleleFrequency 0..1
* insert GenomicComponent(geneStudied, 48018-6, [[Gène étudié (HGNC)]])
* component[geneStudied].value[x] only CodeableConcept
* component[geneStudied].value[x] 1..1
* insert GenomicComponent(codingHgvs, 48004-6, [[Variation de l'ADNc (c.HGVS)]])
* component[codingHgvs].value[x] only CodeableConcept or string
* component[codingHgvs].value[x] 1..1
* insert GenomicComponent(proteinHgvs, 48005-3, [[Variation de la protéine (p.HGVS)]])
* component[proteinHgvs].value[x] only CodeableConcept or string
* component[proteinHgvs].value[x] 1..1
* insert GenomicComponent(genomicHgvs, 81290-9, [[Variation de l'ADN génomique (g.HGVS)]])
* component[genomicHgvs].value[x] only CodeableConcept or string
* component[genomicHgvs].value[x] 1..1
* insert GenomicComponent(clinicalSignificance, 53037-8, [[Signification clinique]])
* component[clinicalSignificance].value[x] only CodeableConcept
* component[clinicalSignificance].value[x] 1..1
* component[clinicalSignificance].value[x] from OncoClinicalSignificance (extensible)
* insert GenomicComponent(alleleFrequency, 81258-6, [[Fréquence allélique]])
* component[alleleFrequency].value[x] only Quantity
* component[alleleFrequency].value[x] 1..1

Profile: OncoGenomicImplication
Parent: Observation
Id: onco-genomic-implication
Title: "Implication d'un variant"
Description: "What a variant means for the patient: a therapeutic implication (response or resistance to a therapy class, CDA MED-299 and 69335-8), a diagnostic or prognostic one, with its clinical significance (53037-8). It is derived from the variants it interprets."
* insert OncoObservationBase
* obeys onco-implication-content
* code from OncoGenomicImplicationCode (required)
* derivedFrom 1..* MS
* derivedFrom only Reference(OncoGenomicVariant)
* derivedFrom ^short = "Le(s) variant(s) interprété(s)"
* component MS
* component ^slicing.discriminator.type = #pattern
* component ^slicing.discriminator.path = "code"
* component ^slicing.rules = #open
* component contains clinicalSignificance 0..1 MS and therapeuticImplication 0..1 MS and medicationAssessed 0..* MS and therapyClass 0..* MS
* insert GenomicComponent(clinicalSignificance, 53037-8, [[Signification clinique]])
* component[clinicalSignificance].value[x] only CodeableConcept
* component[clinicalSignificance].value[x] 1..1
* component[clinicalSignificance].value[x] from OncoClinicalSignificance (extensible)
* insert GenomicComponent(therapeuticImplication, 51961-1, [[Effet sur la réponse au traitement (sensibilité, résistance)]])
* component[therapeuticImplication].value[x] only CodeableConcept
* component[therapeuticImplication].value[x] 1..1
* insert GenomicComponent(medicationAssessed, 51963-7, [[Médicament évalué]])
* component[medicationAssessed].value[x] only CodeableConcept
* component[medicationAssessed].value[x] 1..1
* insert GenomicComponent(therapyClass, 69335-8, [[Classe thérapeutique (ATC)]])
* component[therapyClass].value[x] only CodeableConcept
* component[therapyClass].value[x] 1..1

Invariant: onco-implication-content
Description: "An implication says something: a component or a value"
Expression: "component.exists() or value.exists()"
Severity: #error

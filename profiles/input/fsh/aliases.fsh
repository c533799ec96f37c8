// Code systems and external canonicals used by the oncofhir FSH (one place, so each URI is spelled once).
Alias: $loinc = http://loinc.org
Alias: $sct = http://snomed.info/sct
// CI-SIS terminology (TA_ASIP / TerminologieCISIS, OID 1.2.250.1.213.1.1.4.322), as published by the ANS SMT.
Alias: $cisis = https://smt.esante.gouv.fr/fhir/CodeSystem/terminologie-cisis
Alias: $icdo3 = http://terminology.hl7.org/CodeSystem/icd-o-3
Alias: $icd10 = http://hl7.org/fhir/sid/icd-10
Alias: $ncit = http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl
Alias: $tnm-uicc = urn:oid:2.16.840.1.113883.15.6
Alias: $tre-r213 = https://mos.esante.gouv.fr/NOS/TRE_R213-ModePriseEnCharge/FHIR/TRE-R213-ModePriseEnCharge
Alias: $v2-0074 = http://terminology.hl7.org/CodeSystem/v2-0074
Alias: $obs-category = http://terminology.hl7.org/CodeSystem/observation-category
Alias: $genomics-tbd = http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs
Alias: $patient-birthPlace = http://hl7.org/fhir/StructureDefinition/patient-birthPlace
Alias: $versionNumber = http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber

// INS assigning authorities (urn:oid), as in the CDA recordTarget/patientRole/id/@root.
Alias: $ins-nir = urn:oid:1.2.250.1.213.1.4.8
Alias: $ins-nia = urn:oid:1.2.250.1.213.1.4.9
Alias: $ins-nir-test = urn:oid:1.2.250.1.213.1.4.10
Alias: $ins-nir-demo = urn:oid:1.2.250.1.213.1.4.11

// Value sets (JDV-style code lists) that the profiles bind. Each enumerates its codes, so that our
// validator can decide membership even for systems it does not load (LOINC, SNOMED CT, NCIt…).
// Concepts of external systems carry no display (the label is a comment): senders' displays, often
// French, vary, and a display here would turn each variant into a warning.

ValueSet: OncoDocumentType
Id: onco-document-type
Title: "Types des documents de cancérologie (extrait de JDV_J07-XdsTypeCode-CISIS)"
Description: "LOINC type codes of the four cancer documents (JDV_J07, OID 1.2.250.1.213.1.1.5.471), plus 11526-1 used by the legacy APSR 2021.01 CR-ACP."
* ^experimental = false
* $loinc#34794-8  // CR de réunion de concertation pluridisciplinaire
* $loinc#18776-5  // Plan personnalisé de soins
* $loinc#51969-4  // CR de génétique moléculaire
* $loinc#60568-3  // CR d'anatomie et de cytologie pathologiques
* $loinc#11526-1  // CR d'anatomie et de cytologie pathologiques (modèle APSR 2021.01)

ValueSet: OncoCracpDocumentType
Id: onco-cracp-document-type
Title: "Type du CR-ACP"
Description: "60568-3 (current CR-ACP, template 1.2.250.1.213.1.1.1.57) or 11526-1 (APSR 2021.01 CR-ACP, still converted)."
* ^experimental = false
* $loinc#60568-3  // CR d'anatomie et de cytologie pathologiques
* $loinc#11526-1  // CR d'anatomie et de cytologie pathologiques (modèle APSR 2021.01)

ValueSet: OncoTnmCategoryCode
Id: onco-tnm-category-code
Title: "Codes des catégories T, N et M"
Description: "Clinical (cT, cN, cM) and pathological (pT, pN, pM) TNM category codes (LOINC), the 'other' staging categories, and the CI-SIS codes of the APSR CR-ACP (pT…yrpM)."
* ^experimental = false
* $loinc#21905-5  // Primary tumor.clinical [Class] Cancer
* $loinc#21906-3  // Regional lymph nodes.clinical [Class] Cancer
* $loinc#21907-1  // Distant metastases.clinical [Class] Cancer
* $loinc#21899-0  // Primary tumor.pathology Cancer
* $loinc#21900-6  // Regional lymph nodes.pathology [Class] Cancer
* $loinc#21901-4  // Distant metastases.pathology [Class] Cancer
* $loinc#21911-3  // Primary tumor.other [Class] Cancer
* $loinc#21912-1  // Regional lymph nodes.other [Class] Cancer
* $loinc#21913-9  // Distant metastases.other [Class] Cancer
* $cisis#MED-830 "pT"
* $cisis#MED-831 "pN"
* $cisis#MED-832 "pM"
* $cisis#MED-833 "ypM"
* $cisis#MED-834 "ypT"
* $cisis#MED-835 "rpT"
* $cisis#MED-836 "yrpT"
* $cisis#MED-837 "ypN"
* $cisis#MED-838 "rpN"
* $cisis#MED-839 "yrpN"
* $cisis#MED-840 "rpM"
* $cisis#MED-841 "yrpM"

ValueSet: OncoStageGroupCode
Id: onco-stage-group-code
Title: "Codes du stade (groupe de stade TNM)"
Description: "Clinical (21908-9), pathological (21902-2) and other (21914-7) stage group codes."
* ^experimental = false
* $loinc#21908-9  // Stage group.clinical Cancer
* $loinc#21902-2  // Stage group.pathology Cancer
* $loinc#21914-7  // Stage group.other Cancer

ValueSet: OncoTnmEdition
Id: onco-tnm-edition
Title: "Éditions de la classification TNM"
Description: "All codes of the tnm-edition code system."
* ^experimental = false
* include codes from system TnmEdition

ValueSet: OncoTumorGradeCode
Id: onco-tumor-grade-code
Title: "Codes du grade tumoral"
Description: "Histologic grade, as coded by the CR-ACP (LOINC 44648-4) or by mCODE (NCIt C18000)."
* ^experimental = false
* $loinc#44648-4  // Histologic grade
* $ncit#C18000  // Histologic Grade

ValueSet: OncoPerformanceStatusCode
Id: onco-performance-status-code
Title: "Échelles d'état général (performance status)"
Description: "WHO / ECOG performance status (CI-SIS MED-239, LOINC 89247-1) and Karnofsky (LOINC 89243-0)."
* ^experimental = false
* $cisis#MED-239 "Echelle de performance OMS"
* $loinc#89247-1  // ECOG Performance Status score
* $loinc#89243-0  // Karnofsky Performance Status score

ValueSet: OncoLaterality
Id: onco-laterality
Title: "Latéralité"
Description: "Laterality of a tumour site (the qualifier 20228-3 of the CDA targetSiteCode), as in mCODE."
* ^experimental = false
* $sct#24028007  // Droit
* $sct#7771000  // Gauche
* $sct#51440002  // Bilatéral
* $sct#399488007  // Médian

ValueSet: OncoRcpDiscussionNature
Id: onco-rcp-discussion-nature
Title: "Nature de la discussion en RCP (GEN-098)"
Description: "Organ RCP or transversal / supportive-care RCP."
* ^experimental = false
* $cisis#ORG-117 "RCP Appareil - Organes"
* $cisis#ORG-132 "RCP Transversale et de soins de support"

ValueSet: OncoRcpMotif
Id: onco-rcp-motif
Title: "Motif de la RCP (ORG-186)"
Description: "Why the case is presented to the tumour board."
* ^experimental = false
* $cisis#MED-235 "Avis diagnostique"
* $cisis#ORG-114 "Proposition de traitement (dont ajustement et surveillance)"
* $cisis#ORG-115 "Recours"
* $cisis#ORG-116 "Pédiatrie"

ValueSet: OncoRcpProposalKind
Id: onco-rcp-proposal-kind
Title: "Nature d'une proposition de RCP"
Description: "All codes of the rcp-proposal-kind code system."
* ^experimental = false
* include codes from system RcpProposalKind

ValueSet: OncoRcpProposalCode
Id: onco-rcp-proposal-code
Title: "Propositions de RCP usuelles"
Description: "Codes the fiche RCP uses for its proposals: treatment types (NCIt, SNOMED CT), RCP referral, surveillance, further examinations (CI-SIS). Preferred, not exhaustive."
* ^experimental = false
* $ncit#C15313  // Radiothérapie
* $ncit#C15632  // Chimiothérapie conventionnelle
* $ncit#C20427  // Facteur de croissance hématopoïétique
* $sct#387713003  // Intervention chirurgicale
* $cisis#GEN-092.03.01 "Autres traitements (à préciser)"
* $cisis#ORG-120 "Passage en RCP recours"
* $cisis#MED-226 "Surveillance seule"
* $cisis#MED-227 "Surveillance active"
* $cisis#ORG-064 "Demande d'examen ou de suivi"

ValueSet: OncoPpsPart
Id: onco-pps-part
Title: "Volets du PPS"
Description: "The two care-plan parts of the PPS: the treatment and follow-up programme (MED-566) and supportive care with social support (MED-567)."
* ^experimental = false
* $cisis#MED-566 "Programme thérapeutique et de suivi"
* $cisis#MED-567 "Soins oncologiques de support, accompagnement social et socioprofessionnel"

ValueSet: OncoPpsActivityType
Id: onco-pps-activity-type
Title: "Types d'activité du PPS"
Description: "The kind of each PPS activity (code of the CDA FR-Acte)."
* ^experimental = false
* $cisis#MED-568 "Traitement"
* $cisis#MED-569 "Action de prévention et de gestion médicamenteuse des effets secondaires"
* $cisis#MED-570 "Mesure associée"
* $cisis#MED-571 "Suivi"
* $cisis#MED-572 "Soin oncologique de support"
* $cisis#MED-573 "Accompagnement social ou socioprofessionnel"
* $cisis#MED-052 "Arrêt de tous les traitements actifs"

ValueSet: OncoPathologyReportCode
Id: onco-pathology-report-code
Title: "Code du compte rendu d'anatomie et de cytologie pathologiques"
Description: "DiagnosticReport.code of a pathology report."
* ^experimental = false
* $loinc#60568-3  // CR d'anatomie et de cytologie pathologiques
* $loinc#11526-1  // CR d'anatomie et de cytologie pathologiques (modèle APSR 2021.01)

ValueSet: OncoPathologyCategory
Id: onco-pathology-category
Title: "Catégorie d'un compte rendu d'anatomopathologie"
Description: "HL7 v2 diagnostic service sections for anatomic pathology."
* ^experimental = false
* $v2-0074#SP "Surgical Pathology"
* $v2-0074#PAT "Pathology (gross & histopath, not surgical)"
* $v2-0074#CP "Cytopathology"

ValueSet: OncoPathologyFindingCode
Id: onco-pathology-finding-code
Title: "Constatations anatomopathologiques usuelles"
Description: "What the APSR CR-ACP observes: histological type, grade, invasion, margins, lymph nodes, metastases, residual tumour. Preferred, not exhaustive (the organ-specific volets add CI-SIS codes)."
* ^experimental = false
* $loinc#84882-0  // Type histologique
* $loinc#44648-4  // Grade histologique
* $loinc#33725-3  // Site de la tumeur
* $loinc#21889-1  // Taille de la tumeur
* $loinc#96115-1  // Niveau d'infiltration
* $loinc#59544-7  // Invasion vasculaire
* $loinc#84889-5  // Invasion périnerveuse
* $loinc#84885-3  // Marge circonférentielle
* $cisis#MED-852 "Marge longitudinale"
* $loinc#92833-3  // Ganglions lymphatiques régionaux
* $loinc#72281-9  // Ratio ganglions envahis / examinés
* $loinc#33733-7  // Métastases à distance
* $loinc#31210-8  // Statut R (tumeur résiduelle)
* $loinc#81167-9  // Réponse au traitement
* $loinc#85297-0  // Bourgeonnement tumoral
* $cisis#MED-864 "Code lésion"

ValueSet: OncoVariantPresence
Id: onco-variant-presence
Title: "Présence du variant (LL1971-2)"
Description: "LOINC answer list LL1971-2 for the genetic variant assessment 69548-6."
* ^experimental = false
* $loinc#LA9633-4 "Present"
* $loinc#LA9634-2 "Absent"
* $loinc#LA18198-4 "No call"
* $loinc#LA11884-6 "Indeterminate"

ValueSet: OncoClinicalSignificance
Id: onco-clinical-significance
Title: "Signification clinique d'un variant (ACMG, LL4034-6)"
Description: "ACMG five-tier classification (LOINC answer list LL4034-6) for 53037-8."
* ^experimental = false
* $loinc#LA6668-3 "Pathogenic"
* $loinc#LA26332-9 "Likely pathogenic"
* $loinc#LA26333-7 "Uncertain significance"
* $loinc#LA26334-5 "Likely benign"
* $loinc#LA6675-8 "Benign"

ValueSet: OncoGenomicImplicationCode
Id: onco-genomic-implication-code
Title: "Types d'implication d'un variant"
Description: "Genomics Reporting implication codes."
* ^experimental = false
* $genomics-tbd#therapeutic-implication "Therapeutic Implication"
* $genomics-tbd#diagnostic-implication "Diagnostic Implication"
* $genomics-tbd#prognostic-implication "Prognostic Implication"

ValueSet: OncoCrgmResult
Id: onco-crgm-result
Title: "Résultat global du CR-GM"
Description: "How the CR-GM qualifies its results and variants (CI-SIS codes of the problem organizer and conclusion)."
* ^experimental = false
* $cisis#MED-536 "Variants dont l'impact clinique est connu"
* $cisis#MED-537 "Variants à discuter en staff moléculaire"
* $cisis#MED-538 "Variants dont la valeur prédictive est inconnue"
* $cisis#MED-539 "Gène(s) pour le(s)quel(s) aucune anomalie n'a été trouvée"
* $cisis#MED-540 "Résultat non interprétable"
* $cisis#MED-542 "Résultats avec une mutation observée"
* $cisis#MED-543 "Résultats sans mutation"
* $cisis#MED-544 "Résultats non interprétables"
* $cisis#MED-545 "Suspicion d'une amplification ou d'une délétion"

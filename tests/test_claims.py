import json

import pytest
import spacy
from spacy.tokens import Span
from typer.testing import CliRunner

from extractor.cli import app
from extractor.components.claims import (
    _prepare,
    assess,
    load_rules,
    never_claim,
    p_values,
    rule_claim,
    states_claim,
)
from extractor.errors import PatternFileError
from extractor.learning.claim_classifier import ClaimClassifier, paragraph_features, shipped_path, words
from extractor.reading.document import Document
from extractor.reading.normalize import normalize
from extractor.tables.rows import CLAIM_COLUMNS, doc_tables
from tests.conftest import DATA, require_shared

# (sentence, claim_type, direction, significant)
ASSESS_CASES = [
    ("Pain scores were significantly lower in the ketamine group (p < 0.01).", "finding", "decrease", True),
    ("Mortality was higher with the drug than with placebo.", "finding", "increase", None),
    ("Mortality was higher with placebo than with the drug.", "finding", "decrease", None),
    ("Walking distance improved significantly after training.", "finding", "increase", True),
    ("There was no significant difference in nausea between groups.", "finding", "no_change", False),
    ("Quality of life did not differ between the arms (p = 0.41).", "finding", "no_change", False),
    ("Significantly, there was no functional improvement despite less pain.", "finding", "no_change", None),
    ("Depression scores fell in both groups (NS).", "finding", "no_change", False),
    ("The drug may reduce opioid craving.", "hypothesis", "decrease", None),
    ("We hypothesize that ketamine resets central sensitization.", "hypothesis", "unknown", None),
    ("Controlled trials are needed to confirm these effects.", "recommendation", "unknown", None),
    # a recommendation calls for work: its comparatives (`larger trials`) state no effect
    ("Larger trials are needed.", "recommendation", "unknown", None),
    ("Clinicians should monitor liver enzymes during treatment.", "recommendation", "unknown", None),
    ("Ketamine is an NMDA receptor antagonist.", "background", "unknown", None),
    ("Adverse events were higher in the control group than in the treated group (p = 0.02).",
     "finding", "decrease", True),
    # a smaller rise is a decrease; the comparative on the change noun decides, not the noun
    ("The mean increase in swelling was significantly less in the steroid group (p = 0.01).",
     "finding", "decrease", True),
    ("The rise of heart rate was lower after ketamine than after placebo.", "finding", "decrease", None),
    ("The increase in sleep time was greater with melatonin.", "finding", "increase", None),
    # numbers only: treated minus control, when significance is stated and no change word is
    ("Mean pain was 35 mm in the lozenge group and 51 mm in the control group (p = 0.003).",
     "finding", "decrease", True),
    ("Adherence was 61.4% in the budesonide arm versus 16.7% in the placebo arm (p < 0.001).",
     "finding", "increase", True),
    ("Relapse occurred in 12% in the control group and 4% in the treated group (p = 0.02).",
     "finding", "decrease", True),
    ("Mean pain was 35 mm in the lozenge group and 51 mm in the control group.", "background", "unknown", None),
    # thresholds and counts are not comparisons: `more than 3 months`, `one or more`, `at least`
    ("Adults with back pain for more than 3 months were enrolled.", "background", "unknown", None),
    ("One or more falls were recorded in 14 residents.", "background", "unknown", None),
    ("At least 20% of the infusions were stopped early.", "background", "unknown", None),
    ("Sleep was longer than 6.5 hours in most patients.", "background", "unknown", None),
    ("Falls were more frequent with the drug than with placebo.", "finding", "increase", None),
    # counts and thresholds written in words are not comparisons either
    ("Of the 40 households, 12 (30%) included more than five members.", "background", "unknown", None),
    ("Nine out of 31 sequenced kindreds comprise 140 members, fewer than ten of them affected.",
     "background", "unknown", None),
    ("In all, 14 of the 52 enrolled sites contributed less than half of the patients.", "background", "unknown", None),
    ("Relapse was less frequent than with placebo (p = 0.03).", "finding", "decrease", True),
    # `results suggest` states what the study found: a finding (a conclusion), not background
    ("These results suggest that Abc3 contributes to membrane repair in yeast.", "finding", "unknown", None),
    ("Our data indicate a role for the kinase in spindle assembly.", "finding", "unknown", None),
    ("Together these observations point to a defect in lipid transport.", "finding", "unknown", None),
    ("These findings suggest that the kinase may regulate spindle assembly.", "hypothesis", "unknown", None),
    # `more likely` / `less likely` compare odds; `likely` alone is a hedge
    ("Smokers were significantly more likely to report wheeze than non-smokers.", "finding", "increase", True),
    ("Treated patients were less likely to relapse by week 12.", "finding", "decrease", None),
    ("The fever is likely viral.", "hypothesis", "unknown", None),
    # `we find`, `these results provide`: the study's own finding
    ("We find that the larval neurons prefigure the adult tracts.", "finding", "unknown", None),
    ("Overall, these results provide a first map of copper sensing in the yeast.", "finding", "unknown", None),
    ("This suggests that the assembled genomes are nearly complete.", "finding", "unknown", None),
    # `in a similar manner` likens two mechanisms; it states no non-change
    ("Loss of the scaffold impairs spindle orientation in a similar manner to loss of the motor.",
     "background", "unknown", None),
    # a comparison word alone (`head group`) gives the model nothing to call a non-change
    ("These results indicate that the lipids share one binding determinant in their head group.",
     "finding", "unknown", None),
    ("These results confirm that blocking both pathways prolongs graft survival in pigs.", "finding", None, None),
    ("The missing band shows that all dorsal fates are lost in these embryos.", "finding", None, None),
    ("These results, and the failure of rescue by the paralogue, suggest that the kinase acts alone.",
     "finding", "unknown", None),
    # `significant relevance`, `a significant role`: importance, not a test
    ("Our model has significant clinical relevance for dosing in children.", "background", "unknown", None),
    ("These data contribute significantly to our understanding of the pump.", "background", "unknown", None),
    ("Degradation of the protein becomes more significant for the period than its synthesis.",
     "finding", None, None),
    ("Based on these tests, we conclude that the method registers shapes well.", "finding", "unknown", None),
    ("Adding the inhibitor restored growth, indicating that the pump acts upstream.", "finding", None, None),
    ("We may cautiously suggest that future studies weigh the benefits against the risks.",
     "recommendation", "unknown", None),
    ("The most-likely match criterion gave the smallest error in every case.", "background", None, None),
    # `similar` states a non-change when it is said of the things compared, not when it describes a noun
    ("Pain scores were similar in the two arms.", "finding", "no_change", None),
    ("Weight gain was similar with both regimens.", "finding", "no_change", None),
    ("We find that most clusters are made of pools of similar neurons.", "finding", "unknown", None),
    ("These results underline how flexible the judgements are.", "finding", "unknown", None),
    ("It would be interesting to repeat the test with other strains.", "recommendation", "unknown", None),
    ("Governments around the world need to support their agencies.", "recommendation", "unknown", None),
    # a call for more work is a recommendation
    ("It would be worthwhile to test longer courses of the drug.", "recommendation", "unknown", None),
    ("More clinical testing is required before the vector is used in children.", "recommendation", "unknown", None),
    # `rather than` does not compare two arms: no direction from the model
    ("These data indicate that the protease acts on the kinase rather than on the receptor.",
     "finding", "unknown", None),
    # a negated demonstration or superiority states no difference
    ("The trial could not show that the patch was more effective than sham patches.", "finding", "no_change", None),
    ("We did not find that the lozenges eased sore throat more than placebo.", "finding", "no_change", None),
    ("Nightly melatonin was not superior to placebo in shortening sleep latency.", "finding", "no_change", None),
    # a change word after `without` names no change of the sentence's own; `weight gain` is an outcome
    ("Our data show that counselling lowered excessive weight gain without increasing low weight gain.",
     "finding", "decrease", None),
    # `is necessary to`, `to better understand`, `in a larger trial`: calls for work, no effect
    ("A longer follow-up is necessary to judge the durability of the benefit.", "recommendation", "unknown", None),
    ("Closer links between the two clinics are likely needed to better understand the referrals.",
     "recommendation", "unknown", None),
    ("Confirmation of these results in a larger trial would give nurses a simple option.",
     "recommendation", "unknown", None),
    ("To sum up, this study sheds new light on how the exercise programme alters muscle.", "finding", "unknown", None),
    # a change word inside a hyphenated name is no change; `more in line with` compares views, not arms
    ("The stress-reduction account is one of three models of the effect.", "background", "unknown", None),
    ("These data are more in line with a viral cause.", "background", "unknown", None),
    ("Testing the schedule in a second cohort would be of great interest.", "recommendation", "unknown", None),
    ("Surgeons who treat older patients in rural hospitals need to weigh these risks.",
     "recommendation", "unknown", None),
    # a non-change attached to a change (`with no increase in`, `without`) does not cancel it
    ("Adding the opioid lowered propofol use with no increase in recovery time.", "finding", "decrease", None),
    ("Swelling was reduced without any change in blood pressure.", "finding", "decrease", None),
    # `a lack of significant change` states non-significance; `should be noted` recommends nothing;
    # `could find no` is no hedge; `a better understanding` is no effect; `adds evidence` is a finding
    ("The lack of significant weight change may explain the flat quality of life scores.",
     "hypothesis", "no_change", False),
    ("It should be noted that the clinic serves mostly older adults.", "background", "unknown", None),
    ("We could find no reference to a similar trial in the databases.", "background", "unknown", None),
    ("Applying the method to other cohorts will give a better understanding of the risk.",
     "background", "unknown", None),
    ("This trial adds evidence of the benefit of early mobilisation after surgery.", "finding", "unknown", None),
    # `our trial suggests` concludes; `no more effective than`, `does not provide any benefit` state no change;
    # `should have had` expects, it does not recommend; `areas of future research` recommend
    ("In conclusion, our trial suggests that iron given by need is preferred to routine iron.",
     "finding", "unknown", None),
    ("Our findings suggest that the coaching is no more effective than the usual programme.",
     "finding", "no_change", None),
    ("The app did not provide any additional benefit over the leaflet.", "finding", "no_change", None),
    ("This imbalance, if present, should have had no impact on the results.", "finding", "no_change", None),
    ("Areas of future research include cheaper web resources for clinics.", "recommendation", "unknown", None),
    # `as effective as` states no change; preventing a rise is a decrease; `it will be necessary to` recommends
    ("The results show that the new drops are as effective as the old ones in preventing macular oedema.",
     "finding", "no_change", None),
    ("Metformin prevented the increase of tPA seen in the other groups.", "finding", "decrease", None),
    ("It will be necessary to confirm these results in a larger sample.", "recommendation", "unknown", None),
    # a number needed to treat is a result, not a call for treatment
    ("About 9 adults would need to be treated for one more to report a clear improvement.",
     "finding", "increase", None),
    # `statistically efficient` praises a method; it states no test
    ("The results suggest that ANCOVA is a statistically efficient method for such trials.",
     "finding", "unknown", None),
    # preventing something is a decrease of it, unless it is a purpose (`given to prevent`) or negated;
    # patients' falls are an outcome, not a fall in a value
    ("Exercise classes can prevent falls in frail residents.", "finding", "decrease", None),
    ("Heparin was given to prevent deep vein thrombosis.", "background", "unknown", None),
    ("Aspirin did not prevent early recurrence of stroke.", "finding", "no_change", None),
    ("Losartan prevented the fall in renal function seen with placebo.", "finding", "increase", None),
    # a non-change conceded in a `despite` or `although` phrase is not the sentence's; a fall in a value decreases it
    ("Ferritin continued to fall despite no further change in iron intake.", "finding", "decrease", None),
    ("Although pain scores did not differ, length of stay was shorter in the infusion group.", "finding", "decrease",
     None),
    ("Despite the lower dose, pain scores did not differ between groups.", "finding", "no_change", None),
    ("There was a marked fall in systolic pressure after the first dose.", "finding", "decrease", None),
    # a call for work added as a caveat to a finding leaves it a finding; on its own it recommends
    ("These results suggest that the patch is effective in older adults, although this needs to be confirmed "
     "in a larger trial.", "finding", "unknown", None),
    ("The patch was well tolerated, but larger trials are needed.", "recommendation", "unknown", None),
    # relieving symptoms lessens them; guidelines `recommending` a therapy are not the paper's recommendation
    ("Fennel can be used to relieve the symptoms of primary dysmenorrhoea.", "finding", "decrease", None),
    ("These results agree with guidelines recommending oral amoxicillin for such children.", "background",
     "unknown", None),
    # `the new finding is that` states a finding; lengthening survival increases it
    ("The main finding of this study is that the coaching changed how nurses plan discharge.", "finding",
     "unknown", None),
    ("The results show that the higher dose produces a modest lengthening of survival.", "finding", "increase", None),
    # `led to similar` states no difference
    ("The new protocol led to similar ventilation times and failure rates.", "finding", "no_change", None),
    # a call for confirmation is a recommendation
    ("This small trial needs further confirmation in a multicentre study.", "recommendation", "unknown", None),
    # `X suggest utility for`, `is an acceptable alternative to`: the paper's finding with no finding verb;
    # `demonstrate the need for` recommends
    ("Its lasting effect and good safety record suggest utility for the patch as a second-line therapy.",
     "finding", "unknown", None),
    ("Thus, bedside ultrasound is an acceptable alternative to radiography for confirming tube position.",
     "finding", "unknown", None),
    ("These results demonstrate the need for tailored support that helps patients stay active.",
     "recommendation", "unknown", None),
    # `more effective than X in decreasing Y`: the governed change decides
    ("Oral iron was more effective than diet advice in decreasing the rate of anaemia.", "finding", "decrease",
     None),
    ("The cream was better than the gel at lowering itch scores.", "finding", "decrease", None),
    # calls for future work without `further`; `has the potential to` hedges
    ("A major future challenge will be to test the device in primary care.", "recommendation", "unknown", None),
    ("The effects on dosing have to be considered when the next trial is designed.", "recommendation", "unknown",
     None),
    ("A longer study of these children is necessary in order to track late effects.", "recommendation", "unknown",
     None),
    ("We propose that in future trials the dose is set by body weight.", "recommendation", "unknown", None),
    ("The app is easy to use and has the potential to support self-care at home.", "hypothesis", "unknown", None),
    ("Knowing how the drug works requires larger studies.", "recommendation", "unknown", None),
    # `less experienced`, `more invasive` describe people and methods: no change
    ("The device may be most useful in wards with less experienced nurses.", "hypothesis", "unknown", None),
    ("These findings suggest that more invasive procedures might be avoided in such patients.", "hypothesis",
     "unknown", None),
    # larger trials called for, also behind commas
    ("Bigger trials are required for firmer answers.", "recommendation", "unknown", None),
    ("Judging the effect on survival would require much larger, longer, randomized trials.", "recommendation",
     "unknown", None),
    # `of significant value` is importance, not a test; results that do not support a use state no change
    ("The tool may be of significant value to nurses in training.", "hypothesis", "unknown", None),
    ("This trial did not support the use of the marker to choose patients for the drug.", "finding", "no_change",
     None),
    # `clinically significant` is no test
    ("The rise in heart rate was not clinically significant in most patients.", "finding", "no_change", None),
    # not outweighing, little support for a hypothesis: no change
    ("The bleeding risk of the full dose does not outweigh that of the reduced dose.", "finding", "no_change", None),
    ("Our results provide little support for the hypothesis that the app is more effective than leaflets.",
     "finding", "no_change", None),
    # the paper's own study or results as subject: a finding without a change word
    ("Our study demonstrates the cooling spray to give adequate pain relief for filler injections.", "finding",
     "unknown", None),
    ("Our results also accord with other trials on the safety of the statin and argue against routine tests.",
     "finding", "unknown", None),
    ("The study findings thus contribute to the control of chronic kidney disease.", "finding", "unknown", None),
    ("The new method can be successfully used in bed-ridden patients.", "finding", "unknown", None),
    # a practice the authors suggest is a recommendation; a mechanism they suggest is not
    ("Thus, we suggest routine magnesium infusion in patients undergoing cardiac surgery.", "recommendation",
     "unknown", None),
    ("We suggest a role for the enzyme in the repair of the tendon.", "finding", "unknown", None),
    # what would follow from a condition is a hypothesis
    ("If the programme were rolled out at scale, it would make a large contribution to self-care.", "hypothesis",
     "unknown", None),
    # a judgement on a measure, `it can be said that`, `outperformed`
    ("Thus, skin temperature, although easy to take, is not a reliable index of heat loss.", "finding", "unknown",
     None),
    ("Thus, it can be said that the temperament of a nurse can influence perceived stress.", "finding", "unknown",
     None),
    ("Overall, the printed booklet outperformed the app in helping adults lose weight.", "finding", "increase", None),
    # backing further work recommends it; a treatment to be considered for use is recommended
    ("The trial supports the further exploration of the implant in larger trials of older patients.",
     "recommendation", "unknown", None),
    ("Besides, the block could be considered to be applied in other abdominal operations.", "recommendation",
     "unknown", None),
    # what the authors suggest is their hypothesis; what a result suggests is a finding
    ("We suggest that the solubility of the salt plays a central part in its uptake.", "hypothesis", "unknown",
     None),
    ("The similar efficacy of the two inhalers in our patients suggests that either can be used for relief.",
     "finding", "unknown", None),
    ("In this study, both inhalers proved similarly safe for adults with acute asthma.", "finding", "unknown",
     None),
    # what the paper is, even hedged, is background
    ("Thus, this might be the first study to compare two runs in hot and cool rooms.", "background", "unknown",
     None),
    # what becomes important, what we need to do: calls for work
    ("Thus, it becomes important to know how soon the tests can be done before surgery.", "recommendation",
     "unknown", None),
    ("These results strongly suggest that we need to consider a higher dose of the enzyme.", "recommendation",
     "unknown", None),
    # more refinement required is a call for work
    ("Further refinement is required to get the most out of the games for home exercise.", "recommendation",
     "unknown", None),
    # `no increased risk` states no change; `no study investigating the impact` does not
    ("These data show that after a pause in treatment there appears to be no increased risk of joint pain.",
     "hypothesis", "no_change", None),
    ("There is no study of the impact of memory training on falls, but exercise improves memory.", "finding",
     "increase", None),
    # `not` and a verb before `significant` deny significance
    ("Our data suggest that the new technique does not confer significant clinical advantages.", "finding",
     "no_change", False),
    # a non-change conceded after the main clause is not the sentence's; one conceded before it stays
    ("Such a gap might have biased the two groups, even if their baseline values are similar.", "hypothesis",
     "unknown", None),
    ("Pain did not differ between the groups, even though patients preferred the gel.", "finding", "no_change",
     None),
    # `lower` of a body part compares nothing
    ("Lower body force rose with the supplement.", "finding", "increase", None),
    # confirmed as an effective option; results provided; results that have shown; significance achieved
    ("The drug is thus confirmed as an effective and well-tolerated therapeutic option.", "finding", "unknown",
     None),
    ("The results of this study have shown the gel to be a safe and low-cost method for knee pain.", "finding",
     "unknown", None),
    ("Here, we provide results indicating that the effect of selenium achieved significance in larger fields.",
     "finding", None, True),
    # what follows if a premise holds is a hypothesis; what coaches can consider doing, a recommendation
    ("If this is the case, screening all mothers will find more infections.", "hypothesis", None, None),
    ("Coaches can consider adding the supplement to the diet of sprinters.", "recommendation", "unknown", None),
    # what the study was designed to do is what the paper is
    ("Our study was designed to identify the changes that might explain the outcomes.", "background",
     "unknown", None),
    # a conclusion's opener, the study's findings as source, a role suggested by a result: findings
    ("Taken together, the usual dose is too low for a third of slow acetylators.", "finding", "unknown", None),
    ("According to the findings of this study, the exercises help older adults with neck pain.", "finding",
     "unknown", None),
    ("Blocking oxidative stress stopped the release, suggesting a role of oxidative stress in it.", "finding",
     "unknown", None),
    # what appears promising, can be expected, or what we feel: hypotheses
    ("Given these results, the nasal spray appears promising for severe hypoglycaemia.", "hypothesis", "unknown",
     None),
    ("It would appear that a small payment is not enough motive for most people.", "hypothesis", "unknown", None),
    ("Nonetheless, we feel that these changes to the protocol did not sway our results.", "hypothesis", None, None),
    # what would be appropriate, a need, studies suggested: recommendations
    ("Because of its cost, support for one week only would be appropriate for poorer services.", "recommendation",
     "unknown", None),
    ("We agree there is a wider need for good studies of the ethics of online trials.", "recommendation",
     "unknown", None),
    ("Studies with a larger sample and in other groups of patients are suggested.", "recommendation", "unknown",
     None),
    # studies that may be designed in future are called for; `the first time that we compared` is what the paper is
    ("Suitable studies may be designed in future to look at the effect of yoga on platelets.", "recommendation",
     "unknown", None),
    ("This is the first time in the region that we compared one dose versus two doses.", "background", "unknown",
     None),
    # a list of merits before the noun: a finding
    ("Oral diclofenac before surgery is economical, effective, easy and safe method of pain control.", "finding",
     "unknown", None),
    # someone else's recommendation, or dietary recommendations, are no call of the paper's
    ("The combination therapy remains relevant for resistant strains, as recommended by Smith [30].", "background",
     "unknown", None),
    ("In conclusion, we observed that eating fish, according to dietary recommendations, has health benefits.",
     "finding", "unknown", None),
    # what additional trials may lead to is a call for them
    ("Additional randomized trials with larger samples may lead to a better understanding of the effects.",
     "recommendation", "unknown", None),
    # higher in the control group, no `than`: the treated arm had less
    ("The number of feeding attempts was significantly higher in the control group (p = 0.02).", "finding",
     "decrease", True),
    # the first study of a topic, its change words naming the topic: background, no direction
    ("This is the first study to evaluate the role of carnitine in improving endothelial function.", "background",
     "unknown", None),
    # what the study concludes; a treatment that is safe and effective: findings
    ("It concludes that the supplements are not free from a nocebo effect on reaction times.", "finding", None,
     None),
    ("Therefore, the injection combined with the capsule is safe and effective for these patients.", "finding",
     "unknown", None),
    # an epistemic `should be clinically significant` is no call for work
    ("If so, it should be clinically significant that the participants could keep their mood.", "hypothesis",
     "unknown", None),
    # a call for work conceded in a lead clause leaves the main clause to decide
    ("Therefore, while the literature suggests that the dose needs to be controlled, a manual pump may not "
     "achieve it.", "hypothesis", "unknown", None),
    # what the authors set out or hoped to do is background, whatever change words it names
    ("In conclusion, we aimed to develop a programme that would not only ease the deficits but also improve mood.",
     "background", "unknown", None),
    ("By combining the two therapies, we hoped to offer an intervention that improves motor skills.", "background",
     "unknown", None),
    # a table that shows data, suggesting something; our findings in agreement with others': findings
    ("Table 6 shows the enzyme data of the men, suggesting a high level of compliance.", "finding", "unknown", None),
    ("Our findings on the number of colds per athlete are in agreement with those of Heath et al (29).", "finding",
     "unknown", None),
    # further large-scale studies; a study that highlights X and the need for Y: calls for work
    ("These findings could be used as pilot data for further large-scale studies.", "recommendation", "unknown",
     None),
    ("This study highlights the link between breathing support and brain injury and the need for monitoring.",
     "recommendation", "unknown", None),
    # a hypothesis that explains an observation states no direction of its own
    ("One possible explanation for the changes might be that the subjects had a higher habitual intake of fibre.",
     "hypothesis", "unknown", None),
    ("This error could be related to patients being less familiar with the inhaler.", "hypothesis", "unknown",
     None),
    # what might be clinically relevant to do is a call for it
    ("Hence, it might be clinically relevant to include apoB when monitoring these patients.", "recommendation",
     "unknown", None),
    # the first study of its kind, its nouns hyphenated and listed, names a topic after a few words
    ("This is the first large‐scale, cluster randomized study done in Japan to evaluate methods that improve care.",
     "background", "unknown", None),
    # what future studies will need to do is a call for it; what is anticipated is a hypothesis
    ("Future studies, particularly in cities, will need to use simple entry criteria.", "recommendation",
     "unknown", None),
    ("Therefore, it is anticipated that the extract will reduce the risk of heart disease.", "hypothesis", None,
     None),
    # an epistemic `should be good news` is no call for work
    ("These findings should be good news for researchers, as earlier studies were probably not biased.",
     "hypothesis", None, None),
    # `for prolonged periods` describes the dose, not an effect
    ("We conclude that the steroid, given for prolonged periods of time, lowers glucose uptake.", "finding",
     "decrease", None),
    # `not only` negates nothing
    ("The method not only prevents tooth loss in anxious children but is also cheap.", "finding", "decrease", None),
    # what practitioners might consider doing is a call for it, with or without `we suggest`
    ("Moving forward, we suggest researchers and practitioners might consider web-based programs as part of care.",
     "recommendation", "unknown", None),
    ("Clinicians may consider lower starting doses in older patients.", "recommendation", "unknown", None),
    # a significance speculated about is not stated; one stated beside it still is
    # (typed alone: in a document the `which may` clause's hedge is elsewhere, and the first is a finding)
    ("Our results indicate that remission allows patients to work, which may have a significant impact on income.",
     "hypothesis", None, None),
    ("The difference could be significant in a larger sample.", "hypothesis", None, None),
    ("Pain fell significantly, which may have a significant impact on recovery.", "hypothesis", "decrease", True),
    # failing to reach significance states non-significance; not having an effect states no change
    ("The improvement with amantadine failed to reach statistical significance.", "finding", "no_change", False),
    ("The gel did not achieve statistical significance for pain.", "finding", "no_change", False),
    ("It can be concluded that clothing does not have a clinically important effect on blood pressure.",
     "finding", "no_change", None),
    # a study unique in what it investigates names a topic; data the first to support an effect, a result
    ("Our study is unique in that it investigates for the first time the contribution of IGF-1 to the "
     "vasodilation observed after an increase in GH.", "background", "unknown", None),
    ("Our data are the first to support an off-target effect of DPP4 inhibition on GH secretion.", "finding",
     "unknown", None),
    # what matters less or more (importance, relevance) is no change; what is less likely still is
    ("Our findings suggest that maternal vitamin D levels may be less important than infant levels for outcomes.",
     "hypothesis", "unknown", None),
    ("The present results suggest that differences in protein composition are of less relevance at high doses.",
     "finding", "unknown", None),
    ("Patients given the drug were less likely to relapse.", "finding", "decrease", None),
    # a significance denied to a side effect after `without` is not the main result's
    ("Pain control is better attained through SNB than LIA, without any significant differences in complications.",
     "finding", "increase", None),
    ("Pain fell without significantly increasing nausea.", "finding", "decrease", None),
    ("Pain fell significantly without significantly increasing nausea.", "finding", "decrease", True),
    # an epistemic `should be expected` calls for nothing; a purpose after `necessary to` is no change
    ("This finding might be the best guide to the mortality reduction that should be expected in the future.",
     "hypothesis", None, None),
    ("Thus feedings of an energy source might be desirable and necessary to enhance the nutrient intake of infants.",
     "hypothesis", "unknown", None),
    # a significant proportion or number is a size, not a test
    ("These findings demonstrate that a significant proportion of women will experience complications.",
     "finding", "unknown", None),
    ("Pain was significantly reduced in a large proportion of patients.", "finding", "decrease", True),
    # results like other studies' compare no arms; arms alike state no change
    ("Our results are considered comparable to other biosimilar RA studies.", "finding", "unknown", None),
    ("The incidence was similar to that reported in previous studies.", "background", "unknown", None),
    ("Pain scores were similar to those of the placebo group.", "finding", "no_change", None),
    # a paper that appears original is what the paper is; what we can infer is a result
    ("To the best of our knowledge, this paper also appears to be original in terms of participants.",
     "background", "unknown", None),
    ("Therefore, we can infer that the cTnI differences between the groups reflected release of cTnI.", "finding",
     None, None),
    # an explanation with a word or two before its verb has no direction
    ("Thus, better performance of the elderly might in part be attributed to more patients with DM in this group.",
     "hypothesis", "unknown", None),
    pytest.param("Treated patients needed half as much rescue morphine.", "finding", "decrease", None,
                 marks=pytest.mark.xfail(reason="`half as much` is not a cue yet")),
]


@pytest.mark.parametrize("text,claim_type,direction,significant", ASSESS_CASES,
                         ids=[getattr(c, "values", c)[0][:40] for c in ASSESS_CASES])
def test_assess(text, claim_type, direction, significant):
    found = assess(text)
    assert (found.claim_type, found.significant) == (claim_type, significant)
    if direction is not None:
        assert found.direction == direction


@pytest.mark.parametrize("text,expected", [
    ("p < 0.05", [("<", 0.05)]),
    ("(P = .003)", [("=", 0.003)]),
    ("p≤0.01 and p > 0.2", [("≤", 0.01), (">", 0.2)]),
    ("group p", []),
], ids=["lt", "eq-no-zero", "two", "none"])
def test_p_values(text, expected):
    assert p_values(text) == expected


def test_bad_regex_in_rules(tmp_path):
    import json

    from extractor.components import claims
    from extractor.rules.loader import load_json

    (tmp_path / "claims.json").write_text(json.dumps({**load_json("claims.json"), "flip": ["(unclosed"]}))
    with pytest.raises(PatternFileError, match="flip"):
        claims.load_rules(str(tmp_path))


def test_rules_load():
    assert 0 < load_rules().alpha < 1


@pytest.mark.parametrize("text", [getattr(case, "values", case)[0] for case in ASSESS_CASES] + [
    "Patients were recruited from two centres.", "Nausea (p < 0.2) was recorded daily.",
    "Could pain (p = 0.03) predict relapse?", "Could pain (p < 0.2) predict relapse?", "Table 2 lists the doses."])
def test_states_claim_agrees_with_assess(text):
    prepared = _prepare(text)
    assert states_claim(prepared, load_rules()) == rule_claim(assess(prepared, model=None, prepared=True))


def test_states_claim_agrees_with_assess_on_claims_dev():
    path = require_shared(DATA / "claims" / "dev.jsonl")
    rules = load_rules()
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    sentences = [_prepare(r["text"][s["start"]:s["end"]]) for r in records for s in r["spans"]]
    assert [states_claim(t, rules) for t in sentences] == [
        rule_claim(assess(t, rules, model=None, prepared=True)) for t in sentences]


# --- classifier -------------------------------------------------------------------------

def test_words_normalise_numbers():
    assert words("P = 0.05 in 30 Patients") == ["p", "=", "0", "in", "0", "patients"]


def test_position_features():
    feats = paragraph_features(["A.", "B.", "C.", "D."])
    assert "first" in feats[0] and "fromend0" in feats[3] and "pos4" in feats[3]


def test_classifier_round_trip(tmp_path):
    classifier = ClaimClassifier({"bias": -1.0, "u:suggest": 3.0}, 0.4, {"note": "x"})
    classifier.save(tmp_path / "c.json")
    again = ClaimClassifier.load(tmp_path / "c.json")
    assert again.weights == classifier.weights and again.threshold == 0.4
    assert again.score(["bias", "u:suggest"]) > 0.8 > again.score(["bias"])


@pytest.mark.parametrize("payload", [{"weights": {}}, {"format": "claimx.claim_classifier.v1", "weights": [1]},
                                     {"format": "claimx.claim_classifier.v1", "weights": {"a": "x"}}],
                         ids=["no-format", "list-weights", "string-weight"])
def test_classifier_rejects_bad_files(tmp_path, payload):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(payload))
    with pytest.raises(PatternFileError):
        ClaimClassifier.load(path)


def test_classifier_missing_file(tmp_path):
    with pytest.raises(PatternFileError, match="missing"):
        ClaimClassifier.load(tmp_path / "none.json")


def test_paragraph_scores_equal_feature_scores():
    classifier = ClaimClassifier.load(shipped_path())
    sentences = ["Chronic pain affects many adults.", "We randomised 60 adults to two arms (p < 0.05) _ __ a_b.",
                 "These findings suggest that prolonged infusions provide lasting analgesia."]
    fast = classifier.score_paragraph(sentences)
    assert classifier._ngrams is not None
    assert fast == pytest.approx([classifier.score(f) for f in paragraph_features(sentences)], abs=1e-12)


def test_classifier_with_unparsed_ngram_names_scores_through_strings():
    classifier = ClaimClassifier({"bias": 0.5, "b:x": 2.0, "u:pain": 1.0})  # "b:x" is not a word pair
    assert classifier._ngrams is None
    assert classifier.score_paragraph(["Pain."]) == [classifier.score(["bias", "u:pain"])]


def test_shipped_classifier_prefers_conclusions():
    classifier = ClaimClassifier.load(shipped_path())
    scores = classifier.score_paragraph([
        "Chronic pain affects many adults.", "We randomised 60 adults to two arms.",
        "Pain fell by 2 points in the treated arm.",
        "These findings suggest that prolonged infusions provide lasting analgesia."])
    assert scores[3] > classifier.threshold > scores[1]


# --- component, table and pipeline -------------------------------------------------------

def test_claims_component_round_trip(nlp, nlp_saved):
    path, again = nlp_saved  # nlp.to_disk(path), then spacy.load(path)
    assert (path / "claimx_claims" / "classifier.json").is_file()
    text = "Larger trials are needed. Pain fell significantly (p < 0.01)."
    first, second = nlp(text), again(text)
    assert [(c.text, c._.claim_type) for c in first.spans["claims"]] == \
        [(c.text, c._.claim_type) for c in second.spans["claims"]]


def test_claims_alone_on_a_blank_pipeline():
    import extractor.components.claims  # noqa: F401

    blank = spacy.blank("en")
    blank.add_pipe("claimx_claims")
    doc = blank("Further studies are needed")
    assert doc.spans["claims"][0]._.claim_type == "recommendation"


def test_background_sentences_are_not_claims(nlp):
    doc = nlp("Ketamine is an anesthetic.")
    assert list(doc.spans["claims"]) == []


def _table(nlp, text, extra):
    """Claims rows for `text`, with mentions of other components set by hand: (substring, label)."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "claimx_outcomes":
            spans = []
            for part, label in extra:
                start = text.index(part)
                spans.append(doc.char_span(start, start + len(part), label=label))
            doc.spans["other"] = spans
        doc = proc(doc)
    rows = doc_tables(Document(id="d1", text=text, source="test"), doc)
    return rows["claims"]


def test_claim_row_lists_its_mentions(nlp):
    text = "Background first. Ketamine 0.35 mg/kg/h for 4 days lowered pain scores in 30 patients [15]."
    rows = _table(nlp, text, [("Ketamine", "DRUG"), ("0.35 mg/kg/h", "DOSE"), ("4 days", "DURATION"),
                              ("30 patients", "SAMPLE_SIZE"), ("[15]", "CITATION")])
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == list(CLAIM_COLUMNS)
    assert (row["drugs"], row["doses"], row["durations"], row["sample_sizes"], row["citations"], row["outcomes"]) \
        == (["Ketamine"], ["0.35 mg/kg/h"], ["4 days"], ["30 patients"], ["[15]"], ["pain scores"])
    assert text[row["start"]:row["end"]] == row["text"] and row["direction"] == "decrease"


@pytest.mark.parametrize("sentence,is_claim", [
    ("Together, these findings indicate that prolonged infusions provide lasting analgesia.", True),
    ("Pain scores were significantly lower with the infusion than with placebo (p = 0.01).", False),
], ids=["conclusion", "result-kept-by-rules"])
def test_claim_rows_say_which_are_claims(nlp, sentence, is_claim):
    text = "Chronic pain affects many adults. We randomised 60 adults to two arms. " + sentence
    rows = [r for r in _table(nlp, text, []) if r["text"] == sentence]
    assert len(rows) == 1
    assert rows[0]["is_claim"] is is_claim and (rows[0]["score"] >= 0.45) is is_claim


@pytest.mark.parametrize("text", [
    "Supporting Information",
    "Acknowledgments",
    "We thank Ana Ruiz and Tom Berg for the strains and for reading the manuscript.",
    "I am grateful to the referees for their careful comments.",
    "This work was supported by the Wellcome Trust (grant 0123).",
    "Funded by the national science council.",
    "The funders had no role in study design or the decision to publish.",
    "The authors declare no competing interests.",
    "The authors would like to thank the field staff for their help.",
    "Further acknowledgements are listed in the supplementary text.",
    "JB is a Senior Research Fellow of the national heart foundation.",
    "The ministry is an equal opportunity provider and employer.",
    "The analysis gave the following results:",
    "No party makes any warranty or assumes any legal liability for the data.",
    "In the next section we show the model's behaviour for other parameter values.",
    "We close by thanking our readers and the many reviewers.",
    "R and Prof Ann Holm for their critical discussions of the manuscript.",
    "The members of the Northern Cohort Study Group are: Ann Berg, Tom Lind, Eva Strand.",
    "There are no conflicts of interest.",
    "Conflicts of interest: none.",
    "Click here for file",
    "All authors read and approved the final manuscript.",
    "Our study has several limitations that may affect how far the results apply.",
    "Financial support for the trial was provided by the regional health board.",
    "A larger trial is being planned by the regional network and will open next year.",
    "The new schedule will be used to set the doses of the next trial.",
    "Supplementary data 2 (DOCX 31 kb)",
    "Ann Berg; Tom Lind; Eva K Strand; Lars Holm; Kari Nord.",
    "(B) The fused image shows that the ablation zone covers the tumour margin.",
    "The data that support the findings of this study are available on reasonable request.",
    "Our estimates would have been more precise had the trial enrolled twice as many women.",
    "Results are still awaited from a second trial of the same schedule in older men.",
    "K.L. is a consultant for and has received honoraria from three makers of inhalers.",
    "Dr Berg has received consulting fees from the maker of the pump.",
    "Abbreviations: N, number of subjects; BMI, body mass index; SD, standard deviation.",
    "AB, CD and EF prepared the manuscript.",
    "Declaration of Interests: None.",
], ids=["heading", "heading-ack", "we-thank", "grateful", "supported-by", "funded-by", "funders", "competing",
        "would-like-to-thank", "acknowledgements-listed", "fellow", "equal-opportunity", "lead-in-colon",
        "disclaimer", "roadmap", "thanking", "for-their-discussions", "group-members", "no-conflicts",
        "conflicts-none", "click-here", "authors-approved", "limitations", "financial-support", "being-planned",
        "will-be-used", "supplementary-file", "name-list", "figure-panel", "data-on-request", "would-have-been",
        "results-awaited", "consultant-for", "received-honoraria",
        "abbreviations-line", "prepared-the-manuscript",
        "declaration-of-interests"])
def test_headings_and_acknowledgements_are_never_claims(nlp, text):
    # as the one sentence of its paragraph, each would score high on position alone
    doc = nlp("Mice lacking the kinase gained weight on the diet.\n\n" + text + "\n\nFinal remarks follow here.")
    assert [c.text for c in doc.spans["claims"] if text in c.text] == []
    assert never_claim(_prepare(text), load_rules())


@pytest.mark.parametrize("heading", ["BODY.COMPETING INTERESTS:", "Authors' contributions", "Abbreviations",
                                     "Funding"])
def test_back_matter_sections_hold_no_claims(nlp, heading):
    # the sentences of a back-matter section read like claims out of context; the section after it is read again
    text = ("Results\n\nPain scores fell significantly more with the infusion than with placebo (p = 0.01).\n\n"
            f"{heading}\n\nDr Lund is a member of an advisory board of the company that makes the infusion. "
            "The sponsor increased the number of study sites after the first year.\n\n"
            "Discussion\n\nThese results suggest that the infusion reduces pain in most adults.")
    doc = nlp(text)
    claims = [c.text for c in doc.spans["claims"]]
    assert not [c for c in claims if "Lund" in c or "sponsor" in c]
    assert any(c.startswith("Pain scores fell") for c in claims) and any(c.startswith("These results") for c in claims)


@pytest.mark.parametrize("text", [
    "We thank the reviewers; their point about dosing led us to show that the drug lowers urate.",
    "Weight loss was greater with the combined programme (p = 0.01).",
])
def test_never_claim_leaves_claims_alone(text):
    assert never_claim(_prepare(text), load_rules()) is text.startswith("We thank")


@pytest.mark.parametrize("sentence, claim_type", [
    ("Smith et al. showed that ANGPTL4 expression was significantly lower in obese mice.", "background"),
    ("Ketamine lowered pain scores more than placebo in two earlier trials [12].", "background"),
    ("Previous studies have shown that ketamine lowers pain scores.", "background"),
    ("Smith et al. indicated that a booklet might be more useful than usual care for screening.", "background"),
    ("We speculate that, as Smith et al. found, the booklet might help.", "hypothesis"),
    ("Other authors12 suggest that walking after a fatty meal lowers plasma triglycerides.", "background"),
    ("A growing body of evidence has shown that exercise lowers blood pressure.", "background"),
    ("Experimental data show that fibre may lower the glucose peak after a meal.", "background"),
    ("Several clinical trials have shown that exercise lowers blood pressure.", "background"),
    ("The wider literature suggests that such mothers may need more support (Berg 2007).", "background"),
    ("Autopsy studies have shown that the graft shrinks within a year.", "background"),
    ("The higher risk of stroke in these patients is well documented.", "background"),
    ("Fibre may slow glucose uptake [14], suggesting that it may blunt the peak [15].", "hypothesis"),
    # the authors' own earlier study is background too; this paper's own result, with a p-value, is not
    ("In our previous study, we reported that the lenses gave sharper vision than spectacles.", "background"),
    ("As we previously reported, vision was sharper with the lenses than with spectacles (p = 0.01).", "finding"),
    ("We have previously shown that the drug steadies blood pressure, and so it might protect the heart.",
     "background"),
    # the paper's own result, even where it cites: `we`, `our`, a p-value
    ("We found that pain scores were lower with ketamine than placebo [12].", "finding"),
    ("These results, with long-term data showing that the skin improves further [5], support the use of the drug.",
     "finding"),
    ("We have previously shown that the marker tracks one enzyme [14] and here we show that it tracks a second.",
     "finding"),
    ("These two studies mentioned above show that paracetamol seems to be a good option after surgery.",
     "background"),
    ("Its use has risen, and recent survey data suggest that it causes fewer complications than the usual one.",
     "background"),
    ("As in other cohorts [3], men were more prevalent than women (75% vs. 25%, p < 0.001).", "finding"),
    ("Pain scores were significantly lower with ketamine than with placebo.", "finding"),
    # markers after a clause that reads the result back the reading; before it, the result
    ("Although effective for symptoms, training did not affect the ANS, indicating the involvement of other "
     "mechanisms, such as serotonin and endorphins [33]–[36].", "finding"),
    ("Exercise did not affect heart rate variability, as previously reported [12].", "finding"),
    # the authors' other study
    ("In another study we found dose-dependent relationships between UFP exposure and DNA damage, although indoor "
     "sources contributed significantly to the damage levels (Vinzents et al. 2005).", "background"),
    ("Strength training did not affect heart rate variability [12], suggesting that other mechanisms are involved.",
     "background"),
    # other studies named several words before their verb, their markers at the end
    ("However, recent studies using the same chemotherapy regimen have demonstrated inconsistent benefits, "
     "suggesting that the choice of regimen may not be a key factor [10,16].", "background"),
], ids=["et-al", "cited", "previous-studies", "et-al-hedged", "we-speculate-et-al", "other-authors",
        "body-of-evidence", "experimental-data", "several-trials", "the-literature", "autopsy-studies",
        "well-documented",
        "cited-hypothesis-stays", "our-previous-study", "previously-with-p", "previously-shown-hedged",
        "we-found-cited", "these-results-cited", "here-we-show", "studies-mentioned-above", "recent-survey-data",
        "p-value-cited", "own", "markers-back-the-reading", "as-previously-reported", "another-study-of-ours",
        "marker-on-the-result", "recent-studies-far-from-their-verb"])
def test_another_studys_result_is_background(nlp, sentence, claim_type):
    doc = nlp("Discussion\n\n" + sentence)
    assert [c._.claim_type for c in doc.spans["claims"] if c.text == sentence] == [claim_type]


@pytest.mark.parametrize("sentence,direction", [
    ("Melatonin did not shorten sleep latency more than placebo at four weeks.", "no_change"),
    ("Our data suggest that the app is not consistently effective in improving adherence.", "no_change"),
    # the negation belongs to another clause or to a noun phrase: the change stands
    ("Patients who did not respond had higher pain scores than responders.", "increase"),
    ("Patients without diabetes had lower mortality than those with diabetes.", "decrease"),
], ids=["did-not-shorten", "not-effective-in-improving", "relative-clause", "noun-phrase"])
def test_a_negated_change_is_no_change(nlp, sentence, direction):
    doc = nlp("Results\n\n" + sentence)
    assert [c._.direction for c in doc.spans["claims"] if c.text.startswith(sentence[:20])] == [direction]


@pytest.mark.parametrize("sentence,claim_type,hedged", [
    # `while` before a gerund joins a phrase, not a clause: the hedge after it is the main verb's
    ("Overall, drinking water with a meal while eating slowly appears to be the best way to eat less.",
     "hypothesis", True),
    ("Our results for the effect of diet type would require further study.", "recommendation", False),
    # an opener with a hyphenated word (`Given such long-term changes,`) is not the main clause
    ("Given such long-term changes, the responses seen in our study might reflect an early adaptation.",
     "hypothesis", True),
    ("It remains to be investigated whether the effect lasts beyond one year.", "recommendation", True),
    # a `when ...,` or `compared with ...,` lead is not the main clause: the main clause's hedge counts,
    # a hedge in a trailing `which may` clause does not
    ("When comparing our cohort with theirs, our cohort appears to be older, which may lessen the effects.",
     "hypothesis", True),
    ("Compared with placebo, ketamine lowered pain scores, which may reflect its dose.", "finding", False),
    # a long `as well as` insertion leaves the hedge with the main verb
    ("Second, blood flow, as well as other functional and haemodynamic measures taken in the study, might be "
     "altered by the anaesthetic.", "hypothesis", True),
    # a hedged clause after `but` and a lead phrase of its own is a main clause too
    ("The cause of this gap is unknown but for the oldest patients (those over 80 and frail), the disease "
     "might explain it.", "hypothesis", True),
    # a `because` lead runs on over its `and ...,` part: the hedge after it is the main clause's
    ("Thus, because these data may be biased, and their validity questioned, they may not apply to all women.",
     "hypothesis", True),
    # a clause after `but` with a verb of its own is no lead phrase: the hedge explains the result
    ("Women in the programme gained 1 kg less than controls, but this difference was not significant, probably "
     "because the trial was small.", "finding", False),
    # a `suggest that` over the sentence is no hypothesis cue: a `which may` clause leaves it a finding
    ("These results suggest that the exercise had a good effect on the children, which may not be achieved by "
     "usual care.", "finding", True),
    # ... but a hypothesis cue right in what `suggests that` reports keeps it a hypothesis
    ("Our data suggest that high insulin (and, by extension, the drugs that raise it) may harm "
     "nerves.", "hypothesis", True),
    # a main clause that states an effect before a hedged relative clause is a finding, hedged by neither
    ("We also show that the programme increased visits by fathers, factors which may be associated with "
     "increased care seeking.", "finding", False),
    # a long `especially ...` insertion leaves the hedge with the main verb
    ("In conclusion, the extracts, especially at doses of 0.01% and 0.1% in the drops, may protect the eye.",
     "hypothesis", True),
    # `It could however,` is no opener: its modal is the main clause's hedge
    ("It could however, be proposed that the pump is involved, as this is the slowest step.", "hypothesis", True),
    # a long prepositional opener and a parenthesis keep the hedge with the main verb
    ("In this small ex vivo study, thick layers of the varnish (VX40) would appear to delay leakage.",
     "hypothesis", True),
    # a first main clause that states an effect is a finding, whatever the hedged one joined by `and` says
    ("In summary, combined therapy has sensitivity improving effects on advanced tumors, and may increase the "
     "response rate.", "finding", False),
    ("These results are preliminary, and the drug could act through other pathways.", "hypothesis", True),
], ids=["while-gerund", "further-study", "hyphenated-opener", "remains-to-be-investigated", "when-lead",
        "compared-with-lead", "as-well-as-insertion", "but-lead-phrase", "because-lead-with-and",
        "but-clause-with-verb", "suggest-that-with-which-may", "suggests-that-may",
        "effect-before-which-may", "especially-insertion", "modal-is-no-opener",
        "prepositional-opener-and-parenthesis", "effect-before-and-may", "no-effect-before-and-could"])
def test_claim_type_and_hedge_in_context(nlp, sentence, claim_type, hedged):
    doc = nlp("Discussion\n\n" + sentence)
    assert [(c._.claim_type, c._.hedged) for c in doc.spans["claims"] if c.text.startswith(sentence[:20])] == [
        (claim_type, hedged)]


def test_mention_rows_carry_cues(nlp):
    text = "There was no pain relief."
    doc = nlp(text)
    rows = doc_tables(Document(id="d", text=text, source="test"), doc)["mentions"]
    outcome = [r for r in rows if r["label"] == "OUTCOME"][0]
    assert (outcome["negated"], outcome["negation_cue"]) == (True, "no")


def test_third_party_pipeline_gets_claims(tmp_path):
    from extractor.pipeline.load import add_claimx_components, import_components

    import_components()
    blank = spacy.blank("en")
    add_claimx_components(blank)
    assert blank.pipe_names[-4:] == ["claimx_outcomes", "claimx_context", "claimx_claims", "claimx_regimens"]
    doc = blank("There was no functional improvement in 12 weeks.")
    assert doc.spans["claims"][0]._.negated


# --- the seed commentary -------------------------------------------------------------------

def _seed_claim(nlp, seed_text, fragment):
    text = normalize(seed_text).text
    doc = nlp(text)
    hits = [c for c in doc.spans["claims"] if fragment in c.text]
    assert len(hits) == 1, f"expected one claim containing {fragment!r}"
    return doc, hits[0]


@pytest.mark.parametrize("fragment,claim_type,direction,significant,negated,hedged", [
    ("Pain scores were lower", "finding", "decrease", True, False, False),
    ("no functional improvement", "finding", "no_change", None, True, False),
    ("may diminish glutamate", "hypothesis", "decrease", None, False, True),
    ("are needed", "recommendation", "unknown", None, False, False),
], ids=["pain-scores", "no-functional", "may-diminish", "further-trials"])
def test_seed_claims(nlp, seed_text, fragment, claim_type, direction, significant, negated, hedged):
    _, claim = _seed_claim(nlp, seed_text, fragment)
    x = claim._
    assert (x.claim_type, x.direction, x.significant, x.negated, x.hedged) == \
        (claim_type, direction, significant, negated, hedged)


def test_seed_pain_scores_outcome(nlp, seed_text):
    doc, claim = _seed_claim(nlp, seed_text, "Pain scores were lower")
    outcomes = [s.text for s in doc.spans["outcomes"] if claim.start <= s.start and s.end <= claim.end]
    assert outcomes == ["Pain scores"]


def test_seed_pain_scores_time_point(nlp, seed_text):
    doc, claim = _seed_claim(nlp, seed_text, "Pain scores were lower")
    spans = [s for group in doc.spans.values() for s in group if s.label_ == "TIMEPOINT"]
    assert [s.text for s in spans if claim.start <= s.start and s.end <= claim.end] == ["12 weeks"]


# --- CLI -------------------------------------------------------------------------------------

def test_train_claims_missing_data(tmp_path):
    result = CliRunner().invoke(app, ["train", "claims", "--train", str(tmp_path / "none.jsonl"),
                                      "--out", str(tmp_path / "c.json")])
    assert result.exit_code == 2 and "not found" in result.output


@pytest.mark.parametrize("option,value", [("--c", "-1"), ("--min-count", "0")], ids=["negative-c", "zero-count"])
def test_train_claims_bad_options(tmp_path, option, value):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "1", "text": "A b.", "spans": [{"start": 0, "end": 4, "label": "CLAIM"}]}\n')
    result = CliRunner().invoke(app, ["train", "claims", "--train", str(corpus), option, value,
                                      "--out", str(tmp_path / "c.json")])
    assert result.exit_code == 2 and "must be" in result.output


def test_train_claims_bad_record(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "text": "x"}\n')
    result = CliRunner().invoke(app, ["train", "claims", "--train", str(bad), "--dev", str(bad),
                                      "--out", str(tmp_path / "c.json")])
    assert result.exit_code == 2 and "line 1" in result.output


def test_train_claims_small_corpus(tmp_path):
    pytest.importorskip("sklearn")
    corpus = tmp_path / "small.jsonl"
    records = []
    for i in range(6):
        s1, s2 = f"We measured outcome {i} in adults.", "These results suggest a clear benefit."
        text = f"{s1} {s2}"
        records.append({"id": str(i), "text": text, "spans": [
            {"start": 0, "end": len(s1), "label": "NOT_CLAIM"},
            {"start": len(s1) + 1, "end": len(text), "label": "CLAIM"}]})
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    out = tmp_path / "c.json"
    result = CliRunner().invoke(app, ["train", "claims", "--train", str(corpus), "--dev", str(corpus),
                                      "--out", str(out), "--min-count", "1"])
    assert result.exit_code == 0, result.output
    assert "dev" in result.output and ClaimClassifier.load(out).weights


# --- measured on real data (slow) -------------------------------------------------------------

@pytest.mark.slow
def test_shipped_classifier_dev_f1():
    from extractor.learning.claim_classifier import evaluate, read_corpus

    dev = require_shared(DATA / "claims" / "dev.jsonl")
    assert evaluate(ClaimClassifier.load(shipped_path()), read_corpus(dev))["f1"] >= 0.77


@pytest.mark.slow
def test_direction_accuracy_on_evidence_inference_dev():
    path = require_shared(DATA / "evidence_inference" / "dev.jsonl")
    gold = {"significantly_increased": "increase", "significantly_decreased": "decrease",
            "no_significant_difference": "no_change"}
    seen, ok = set(), 0
    for line in path.open(encoding="utf-8"):
        for span in json.loads(line)["spans"]:
            if (span["text"], span["effect"]) not in seen:
                seen.add((span["text"], span["effect"]))
                ok += assess(span["text"]).direction == gold[span["effect"]]
    assert ok / len(seen) >= 0.70


def test_span_keys_do_not_collide(nlp):
    doc = nlp("Further studies are needed.")
    claim = doc.spans["claims"][0]
    assert Span(doc, claim.start, claim.end, label="SENTENCE")._.claim_type is None


def test_extract_writes_the_claims_table(tmp_path, extract_here):
    import pandas as pd

    from tests.conftest import ROOT

    result = CliRunner().invoke(app, ["extract", str(ROOT / "corpus" / "texts"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    claims = pd.read_csv(tmp_path / "claims.csv")
    assert list(claims.columns) == list(CLAIM_COLUMNS)
    row = claims[claims["text"].str.contains("no difference in physical function")].iloc[0]
    assert (row["claim_type"], row["direction"], row["negated"], row["negation_cue"], row["outcomes"]) == \
        ("finding", "no_change", True, "no", "physical function")
    assert not row["significant"]


@pytest.mark.parametrize("as_file", [True, False], ids=["file", "folder"])
def test_claims_rules_from_a_folder_or_file_without_context_json(tmp_path, as_file):
    # the negated-change rule reads claimx_context's noun-phrase negations: shipped ones when the
    # user's rules hold no context.json
    from pathlib import Path

    from extractor.components.claims import ClaimExtractor

    shipped = Path(__file__).resolve().parent.parent / "extractor" / "rules" / "data" / "claims.json"
    (tmp_path / "claims.json").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    where = tmp_path / "claims.json" if as_file else tmp_path
    extractor = ClaimExtractor(spacy.blank("en"), rules_path=str(where))
    assert {"no", "without"} <= extractor.np_negations

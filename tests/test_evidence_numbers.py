"""`evidence/numbers.py`: the numbers a masked passage says of each arm, compared."""

from __future__ import annotations

import pytest

from extractor.evidence.numbers import number_features

CASES = [
    # a pair `a vs b`, `a` said of the arm named first
    ("INTV had lower OUTC than COMP (3.2 ± 1.1 vs 4.5 ± 1.3, p = 0.01).", {"num:vs:I<C"}),
    # `respectively` orders the arms; the p-value is not a measurement
    ("It was 5.9 ± 9 vs. 2.7 ± 4.6 for COMP and INTV, respectively (p = 0.047).", {"num:vs:I<C"}),
    # `NUMBER in the ARM group`; the confidence intervals are left out
    ("The OUTC was 3.1 % (95 % CI 1.7–5.1 %) in the INTV group and 7.2 % (95 % CI 5.8–8.9 %) in all COMP groups.",
     {"num:arm:I<C"}),
    # counts before their percentage, and a dose after an arm, are not its measurement
    ("OUTC were higher for COMP (451/613, 74%) compared with INTV (414/620, 67%).", {"num:arm:I<C"}),
    ("INTV 100 mg and COMP at week 26 did not differ.", set()),
    # a change from one number to another, of the arm named before it
    ("In the INTV group OUTC fell from 75 % to 56 %.", {"num:from:down:INTV"}),
    ("OUTC (68 to 63, P < 0.01) improved.", {"num:from:down:br"}),
    # no arm named: the pair's order only
    ("Scores were 20 vs 28 (P < 0.001).", {"num:vs1:<"}),
]


@pytest.mark.parametrize("masked, expected", CASES)
def test_number_features(masked, expected):
    assert set(number_features(masked)) == expected

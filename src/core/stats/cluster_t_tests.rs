//! The cluster-t intervals against values computed by a plain 50-digit
//! implementation of the same formulas (mpmath), from per-group tallies
//! `[clips, blends, presence hits, salience hits]` (A − B for pairs).

use super::*;

struct Case {
    name: &'static str,
    confidence: f64,
    paired: bool,
    tallies: &'static [[i64; 4]],
    estimate: [f64; 3],
    low: [f64; 3],
    high: [f64; 3],
    se: [f64; 3],
    df: [f64; 3],
    p_value: Option<[f64; 3]>,
    warns: bool,
}

const CASES: &[Case] = &[
    Case {
        name: "three_actors",
        confidence: 0.95,
        paired: false,
        tallies: &[[6, 2, 1, 0], [6, 3, 4, 1], [7, 4, 6, 2]],
        estimate: [0.5789473684210527, 0.3333333333333333, 0.45614035087719296],
        low: [
            0.015471104839822565,
            0.020518941527134914,
            0.022815536879570122,
        ],
        high: [0.991756859939325, 0.9226835867774634, 0.9678745011865014],
        se: [0.25334147156183867, 0.16385381461033574, 0.2064880655593288],
        df: [2.0, 2.0, 2.0],
        p_value: None,
        warns: true,
    },
    Case {
        name: "eleven_actors",
        confidence: 0.95,
        paired: false,
        tallies: &[
            [54, 30, 8, 2],
            [54, 30, 11, 1],
            [54, 30, 11, 3],
            [54, 30, 13, 3],
            [54, 30, 14, 3],
            [54, 30, 14, 4],
            [54, 30, 16, 3],
            [54, 30, 18, 5],
            [54, 30, 24, 6],
            [54, 30, 25, 5],
            [54, 30, 36, 9],
        ],
        estimate: [0.31986531986531985, 0.13333333333333333, 0.2265993265993266],
        low: [0.2240093189319955, 0.0897165957015343, 0.15820929235636927],
        high: [
            0.43380860166900315,
            0.19364396498577893,
            0.31354126840494345,
        ],
        se: [
            0.047653506852079204,
            0.023094010767585032,
            0.0349222855878183,
        ],
        df: [10.0, 10.0, 10.0],
        p_value: None,
        warns: false,
    },
    Case {
        name: "unequal_with_blendless_actor",
        confidence: 0.95,
        paired: false,
        tallies: &[
            [26, 0, 5, 0],
            [41, 12, 12, 0],
            [48, 25, 13, 1],
            [50, 20, 18, 3],
            [50, 29, 11, 2],
            [51, 27, 24, 6],
        ],
        estimate: [
            0.31203007518796994,
            0.10619469026548672,
            0.20911238272672833,
        ],
        low: [
            0.20436267174898173,
            0.03021705449644944,
            0.11534603165928638,
        ],
        high: [0.44471599368732867, 0.3117904722981788, 0.349029444837599],
        se: [
            0.04748348970785777,
            0.045757197729163104,
            0.04548495008143321,
        ],
        df: [5.0, 4.0, 5.0],
        p_value: None,
        warns: false,
    },
    Case {
        name: "no_salience_hits",
        confidence: 0.95,
        paired: false,
        tallies: &[
            [54, 30, 16, 0],
            [54, 30, 17, 0],
            [54, 30, 18, 0],
            [54, 30, 19, 0],
            [54, 30, 20, 0],
        ],
        estimate: [0.3333333333333333, 0.0, 0.16666666666666666],
        low: [0.29399458420734526, 0.0, 0.14699729210367263],
        high: [0.3751389536753582, 0.02429259716610854, 0.19971577542073338],
        se: [0.014640174352631386, 0.0, 0.007320087176315693],
        df: [4.0, 4.0, 4.0],
        p_value: None,
        warns: true,
    },
    Case {
        name: "one_actor_with_blends",
        confidence: 0.95,
        paired: false,
        tallies: &[[10, 0, 4, 0], [10, 0, 7, 0], [16, 6, 8, 1]],
        estimate: [0.5277777777777778, 0.16666666666666666, 0.3472222222222222],
        low: [0.2036765544447224, f64::NAN, f64::NAN],
        high: [0.8300417940058955, f64::NAN, f64::NAN],
        se: [0.08542092603353649, f64::NAN, f64::NAN],
        df: [2.0, 0.0, 2.0],
        p_value: None,
        warns: true,
    },
    Case {
        name: "paired_eleven_actors",
        confidence: 0.95,
        paired: true,
        tallies: &[
            [54, 30, -8, -4],
            [54, 30, -6, 0],
            [54, 30, -3, -3],
            [54, 30, -3, -2],
            [54, 30, -3, -2],
            [54, 30, -3, -2],
            [54, 30, -2, -2],
            [54, 30, -2, -1],
            [54, 30, -2, 1],
            [54, 30, -1, -1],
            [54, 30, -1, 1],
        ],
        estimate: [
            -0.05723905723905724,
            -0.045454545454545456,
            -0.05134680134680135,
        ],
        low: [
            -0.0836035415503805,
            -0.08053863361780379,
            -0.07805329990123361,
        ],
        high: [
            -0.030874572927733986,
            -0.010370457291287114,
            -0.024640302792369086,
        ],
        se: [
            0.011832514067882544,
            0.01574591643244434,
            0.011986011792139773,
        ],
        df: [10.0, 10.0, 10.0],
        p_value: Some([
            0.0006841142932363552,
            0.01619707078661788,
            0.0016015366805069626,
        ]),
        warns: false,
    },
    Case {
        name: "paired_identical",
        confidence: 0.95,
        paired: true,
        tallies: &[
            [54, 30, 0, 0],
            [54, 30, 0, 0],
            [54, 30, 0, 0],
            [54, 30, 0, 0],
            [54, 30, 0, 0],
            [54, 30, 0, 0],
            [54, 30, 0, 0],
            [54, 30, 0, 0],
            [54, 30, 0, 0],
            [54, 30, 0, 0],
            [54, 30, 0, 0],
        ],
        estimate: [0.0, 0.0, 0.0],
        low: [0.0, 0.0, 0.0],
        high: [0.0, 0.0, 0.0],
        se: [0.0, 0.0, 0.0],
        df: [10.0, 10.0, 10.0],
        p_value: Some([1.0, 1.0, 1.0]),
        warns: true,
    },
    Case {
        name: "paired_unequal_90",
        confidence: 0.9,
        paired: true,
        tallies: &[
            [26, 0, -3, 0],
            [41, 12, -3, -1],
            [48, 25, -3, -3],
            [50, 20, -4, -1],
            [50, 29, -5, -4],
            [51, 27, 1, 1],
        ],
        estimate: [
            -0.06390977443609022,
            -0.07079646017699115,
            -0.06735311730654069,
        ],
        low: [
            -0.10499480497033212,
            -0.1517567457950705,
            -0.12417866643477386,
        ],
        high: [
            -0.022824743901848334,
            0.010163825441088218,
            -0.010527568178307516,
        ],
        se: [
            0.020389103843837016,
            0.03797659669416519,
            0.028200588075332367,
        ],
        df: [5.0, 4.0, 5.0],
        p_value: Some([
            0.025825810734281956,
            0.13573692276324106,
            0.06251456940629431,
        ]),
        warns: false,
    },
    Case {
        name: "two_actors_99",
        confidence: 0.99,
        paired: false,
        tallies: &[[20, 10, 8, 2], [20, 10, 9, 2]],
        estimate: [0.425, 0.2, 0.3125],
        low: [7.395939045889176e-05, 0.2, 0.002408762334333316],
        high: [0.9998646293609358, 0.2, 0.9884484381752077],
        se: [0.035355339059327376, 0.0, 0.017677669529663688],
        df: [1.0, 1.0, 1.0],
        p_value: None,
        warns: true,
    },
];

fn tallies(rows: &[[i64; 4]]) -> Vec<Tally> {
    rows.iter()
        .map(|&[n, b, p, s]| Tally {
            n: n as u64,
            n_blend: b as u64,
            presence: p,
            salience: s,
        })
        .collect()
}

fn same(got: f64, want: f64, tolerance: f64) -> bool {
    (got.is_nan() && want.is_nan()) || (got - want).abs() <= tolerance
}

#[test]
fn matches_the_high_precision_reference() {
    for case in CASES {
        let s = summarise(&tallies(case.tallies), case.confidence, case.paired).unwrap();
        let check = |what: &str, got: [f64; 3], want: [f64; 3]| {
            for j in 0..3 {
                assert!(
                    same(got[j], want[j], 1e-13),
                    "{} {what} {}: {} vs {}",
                    case.name,
                    STATISTICS[j],
                    got[j],
                    want[j]
                );
            }
        };
        check("estimate", s.estimate, case.estimate);
        check("low", s.low, case.low);
        check("high", s.high, case.high);
        check("se", s.se, case.se);
        assert_eq!(s.df, Some(case.df), "{}", case.name);
        match (s.p_value, case.p_value) {
            (Some(got), Some(want)) => check("p", got, want),
            (None, None) => {}
            other => panic!("{}: p-values {other:?}", case.name),
        }
        assert_eq!(
            !s.messages.is_empty(),
            case.warns,
            "{}: {:?}",
            case.name,
            s.messages
        );
        assert!(s.distribution.is_empty());
    }
}

#[test]
fn the_one_system_interval_is_asymmetric_on_the_rate_scale() {
    let case = &CASES[1];
    let s = summarise(&tallies(case.tallies), 0.95, false).unwrap();
    for j in 0..3 {
        assert!(s.high[j] - s.estimate[j] > s.estimate[j] - s.low[j]);
        assert!(0.0 < s.low[j] && s.high[j] < 1.0);
    }
}

#[test]
fn the_paired_test_agrees_with_its_interval() {
    for case in CASES.iter().filter(|c| c.paired) {
        let s = summarise(&tallies(case.tallies), case.confidence, true).unwrap();
        let p = s.p_value.unwrap();
        for (j, p) in p.into_iter().enumerate() {
            if s.se[j] > 0.0 {
                let excludes_zero = s.low[j] > 0.0 || s.high[j] < 0.0;
                assert_eq!(p < 1.0 - case.confidence, excludes_zero, "{}", case.name);
            }
        }
    }
}

#[test]
fn a_single_group_is_an_error() {
    let one = tallies(&[[54, 30, 20, 5]]);
    let message = summarise(&one, 0.95, false).unwrap_err().to_string();
    assert!(message.contains("a single group"), "{message}");
    assert!(summarise(&[], 0.95, true).is_err());
}

#[test]
fn no_blend_clips_leave_salience_and_the_mean_without_interval() {
    let s = summarise(
        &tallies(&[[20, 0, 5, 0], [30, 0, 9, 0], [25, 0, 4, 0]]),
        0.95,
        false,
    )
    .unwrap();
    assert!(s.low[0].is_finite() && s.high[0].is_finite());
    for j in [1, 2] {
        assert!(s.low[j].is_nan() && s.high[j].is_nan() && s.se[j].is_nan());
    }
    assert_eq!(s.estimate[1], 0.0);
    assert!(
        s.messages.iter().any(|m| m.contains("no blend clips")),
        "{:?}",
        s.messages
    );
}

#[test]
fn an_all_hits_rate_gets_the_mirrored_clopper_pearson_bound() {
    // Presence right on every clip of 5 groups of 10: [(α/2)^(1/50), 1].
    let rows = [
        [10, 4, 10, 1],
        [10, 4, 10, 2],
        [10, 4, 10, 1],
        [10, 4, 10, 3],
        [10, 4, 10, 0],
    ];
    let s = summarise(&tallies(&rows), 0.95, false).unwrap();
    assert_eq!(s.high[0], 1.0);
    assert!((s.low[0] - 0.025f64.powf(1.0 / 50.0)).abs() < 1e-15);
    assert_eq!(s.se[0], 0.0);
}

#[test]
fn bad_confidence_is_an_error() {
    let rows = tallies(CASES[1].tallies);
    assert!(summarise(&rows, 95.0, false).is_err());
}

//! The cluster-t intervals against values computed by a plain 50-digit
//! implementation of the same formulas (mpmath): `tests/cluster_t_cases.py`
//! prints this table. Tallies are `[clips, blends, presence hits, salience
//! hits]` per group; a pair gives A's and B's.

use super::*;

struct Case {
    name: &'static str,
    confidence: f64,
    tallies: &'static [[i64; 4]],
    tallies_b: Option<&'static [[i64; 4]]>,
    estimate: [f64; 3],
    low: [f64; 3],
    high: [f64; 3],
    se: [f64; 3],
    df: [f64; 3],
    p_value: Option<[f64; 3]>,
    warns: bool,
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case {
        name: "three_actors",
        confidence: 0.95,
        tallies: &[[6, 2, 1, 0], [6, 3, 4, 1], [7, 4, 6, 2]],
        tallies_b: None,
        estimate: [0.5789473684210527, 0.3333333333333333, 0.45614035087719296],
        low: [0.026811755454816136, 0.032402153299027854, 0.04029946107077932],
        high: [0.985637168307655, 0.8818739973438832, 0.9436674799084451],
        se: [0.22153233670597386, 0.1396267559748141, 0.17264649526648054],
        df: [2.0, 2.0, 2.0],
        p_value: None,
        warns: true,
    },
    Case {
        name: "eleven_actors",
        confidence: 0.95,
        tallies: &[[54, 30, 8, 2], [54, 30, 11, 1], [54, 30, 11, 3], [54, 30, 13, 3], [54, 30, 14, 3], [54, 30, 14, 4], [54, 30, 16, 3], [54, 30, 18, 5], [54, 30, 24, 6], [54, 30, 25, 5], [54, 30, 36, 9]],
        tallies_b: None,
        estimate: [0.31986531986531985, 0.13333333333333333, 0.2265993265993266],
        low: [0.22669824853049603, 0.09054962441857099, 0.15975637617283475],
        high: [0.4300291783031301, 0.19206279606863075, 0.31105624781182445],
        se: [0.04614955100024593, 0.022567206664411837, 0.03401219932505996],
        df: [10.0, 10.0, 10.0],
        p_value: None,
        warns: false,
    },
    Case {
        name: "unequal_with_blendless_actor",
        confidence: 0.95,
        tallies: &[[26, 0, 5, 0], [41, 12, 12, 0], [48, 25, 13, 1], [50, 20, 18, 3], [50, 29, 11, 2], [51, 27, 24, 6]],
        tallies_b: None,
        estimate: [0.31203007518796994, 0.10619469026548672, 0.20911238272672833],
        low: [0.21176363961241507, 0.03103329516840658, 0.12052788394366702],
        high: [0.43365261901306834, 0.3059211569653998, 0.3377969215244075],
        se: [0.04373225541102641, 0.04481719420121278, 0.042279711496646215],
        df: [5.0, 4.0, 5.0],
        p_value: None,
        warns: false,
    },
    Case {
        name: "no_salience_hits",
        confidence: 0.95,
        tallies: &[[54, 30, 16, 0], [54, 30, 17, 0], [54, 30, 18, 0], [54, 30, 19, 0], [54, 30, 20, 0]],
        tallies_b: None,
        estimate: [0.3333333333333333, 0.0, 0.16666666666666666],
        low: [0.2980123318085457, 0.0, 0.14900616590427285],
        high: [0.37063038889253597, 0.02429259716610854, 0.19746149302932225],
        se: [0.013096986564207746, 0.0, 0.006548831631337683],
        df: [4.0, 4.0, 4.0],
        p_value: None,
        warns: true,
    },
    Case {
        name: "one_actor_with_blends",
        confidence: 0.95,
        tallies: &[[10, 0, 4, 0], [10, 0, 7, 0], [16, 6, 8, 1]],
        tallies_b: None,
        estimate: [0.5277777777777778, 0.16666666666666666, 0.3472222222222222],
        low: [0.2432460594787661, f64::NAN, f64::NAN],
        high: [0.7953393933855766, f64::NAN, f64::NAN],
        se: [0.07218477067919216, f64::NAN, f64::NAN],
        df: [2.0, 0.0, 2.0],
        p_value: None,
        warns: true,
    },
    Case {
        name: "one_actor_holds_every_salience_hit",
        confidence: 0.95,
        tallies: &[[54, 30, 20, 4], [50, 28, 12, 0], [61, 33, 15, 0], [47, 25, 9, 0], [58, 31, 17, 0], [52, 29, 14, 0]],
        tallies_b: None,
        estimate: [0.2701863354037267, 0.022727272727272728, 0.1464568040654997],
        low: [0.2129403604450253, 0.00023771717021167123, 0.09600411281454047],
        high: [0.3362472656425668, 0.6946163819962132, 0.2170574154683963],
        se: [0.0240569227983756, 0.03959867744353859, 0.023331090862111974],
        df: [5.0, 5.0, 5.0],
        p_value: None,
        warns: false,
    },
    Case {
        name: "two_actors_99",
        confidence: 0.99,
        tallies: &[[20, 10, 8, 2], [20, 10, 9, 2]],
        tallies_b: None,
        estimate: [0.425, 0.2, 0.3125],
        low: [0.0010897181712331034, 0.2, 0.011054191126863839],
        high: [0.9980071290230783, 0.2, 0.948676307851008],
        se: [0.02502405641481097, 0.0, 0.012505763183187092],
        df: [1.0, 1.0, 1.0],
        p_value: None,
        warns: true,
    },
    Case {
        name: "paired_eleven_actors",
        confidence: 0.95,
        tallies: &[[54, 30, 10, 1], [54, 30, 12, 4], [54, 30, 15, 2], [54, 30, 14, 3], [54, 30, 16, 3], [54, 30, 17, 4], [54, 30, 18, 3], [54, 30, 19, 5], [54, 30, 22, 7], [54, 30, 25, 5], [54, 30, 30, 9]],
        tallies_b: Some(&[[54, 30, 18, 5], [54, 30, 18, 4], [54, 30, 18, 5], [54, 30, 17, 5], [54, 30, 19, 5], [54, 30, 20, 6], [54, 30, 20, 5], [54, 30, 21, 6], [54, 30, 24, 6], [54, 30, 26, 6], [54, 30, 31, 8]]),
        estimate: [-0.05723905723905724, -0.045454545454545456, -0.05134680134680135],
        low: [-0.08609591872135698, -0.08365285714533811, -0.08089624671149637],
        high: [-0.028382195756757492, -0.007256233763752789, -0.021797355982106324],
        se: [0.012951105563540306, 0.017143595721936623, 0.013261940717183389],
        df: [10.0, 10.0, 10.0],
        p_value: Some([0.0012948631470688422, 0.024254662519111174, 0.0031003540841321063]),
        warns: false,
    },
    Case {
        name: "paired_identical",
        confidence: 0.95,
        tallies: &[[54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4]],
        tallies_b: Some(&[[54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4], [54, 30, 15, 4]]),
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
        tallies: &[[26, 0, 5, 0], [41, 12, 12, 1], [48, 25, 13, 1], [50, 20, 18, 3], [50, 29, 11, 2], [51, 27, 24, 6]],
        tallies_b: Some(&[[26, 0, 8, 0], [41, 12, 15, 2], [48, 25, 16, 4], [50, 20, 22, 4], [50, 29, 16, 6], [51, 27, 23, 5]]),
        estimate: [-0.06390977443609022, -0.07079646017699115, -0.06735311730654069],
        low: [-0.10958036316004284, -0.16105471764652107, -0.1304957191265349],
        high: [-0.018239185712137618, 0.01946179729253877, -0.0042105154865464635],
        se: [0.022664760473422488, 0.042338060149741064, 0.031335526558874685],
        df: [5.0, 4.0, 5.0],
        p_value: Some([0.03711797366313876, 0.16980795337274385, 0.08430713427892747]),
        warns: false,
    },
    Case {
        name: "paired_no_salience_hits_for_b",
        confidence: 0.95,
        tallies: &[[54, 30, 16, 2], [54, 30, 17, 0], [54, 30, 18, 3], [54, 30, 19, 1], [54, 30, 20, 2], [54, 30, 14, 0]],
        tallies_b: Some(&[[54, 30, 15, 0], [54, 30, 18, 0], [54, 30, 16, 0], [54, 30, 19, 0], [54, 30, 21, 0], [54, 30, 13, 0]]),
        estimate: [0.006172839506172839, 0.044444444444444446, 0.025308641975308643],
        low: [-0.017611368379635586, 0.01604297937830756, -0.002829317583307589],
        high: [0.029957047391981267, 0.07284590951058133, 0.05344660153392487],
        se: [0.009252460884957956, 0.011048652360490387, 0.010946144241951759],
        df: [5.0, 5.0, 5.0],
        p_value: Some([0.5342212292242514, 0.010094662954930127, 0.06872655644337669]),
        warns: false,
    },
];

fn tallies(rows: &[[i64; 4]]) -> Vec<Tally> {
    rows.iter()
        .map(|&[n, b, p, s]| Tally::of(n as u64, b as u64, p, s))
        .collect()
}

fn run(case: &Case, confidence: f64) -> Result<Summary> {
    let a = tallies(case.tallies);
    match case.tallies_b {
        None => summarise(&a, confidence),
        Some(b) => {
            let pairs: Vec<(Tally, Tally)> = a.into_iter().zip(tallies(b)).collect();
            summarise_pair(&pairs, confidence)
        }
    }
}

fn same(got: f64, want: f64, tolerance: f64) -> bool {
    (got.is_nan() && want.is_nan()) || (got - want).abs() <= tolerance
}

#[test]
fn matches_the_high_precision_reference() {
    for case in CASES {
        let s = run(case, case.confidence).unwrap();
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

fn case(name: &str) -> &'static Case {
    CASES
        .iter()
        .find(|c| c.name == name)
        .expect("a case of that name")
}

#[test]
fn the_one_system_interval_is_asymmetric_on_the_rate_scale() {
    let s = run(case("eleven_actors"), 0.95).unwrap();
    for j in 0..3 {
        assert!(s.high[j] - s.estimate[j] > s.estimate[j] - s.low[j]);
        assert!(0.0 < s.low[j] && s.high[j] < 1.0);
    }
}

#[test]
fn the_paired_test_agrees_with_its_interval() {
    for case in CASES.iter().filter(|c| c.tallies_b.is_some()) {
        for confidence in [0.8, 0.9, 0.95, 0.99] {
            let s = run(case, confidence).unwrap();
            for (j, p) in s.p_value.unwrap().into_iter().enumerate() {
                if s.se[j] > 0.0 {
                    let excludes_zero = s.low[j] > 0.0 || s.high[j] < 0.0;
                    assert_eq!(p < 1.0 - confidence, excludes_zero, "{}", case.name);
                }
            }
        }
    }
}

#[test]
fn swapping_a_and_b_flips_the_difference_only() {
    let case = case("paired_unequal_90");
    let a = tallies(case.tallies);
    let b = tallies(case.tallies_b.unwrap());
    let ab: Vec<_> = a.iter().copied().zip(b.iter().copied()).collect();
    let ba: Vec<_> = b.into_iter().zip(a).collect();
    let (x, y) = (
        summarise_pair(&ab, 0.95).unwrap(),
        summarise_pair(&ba, 0.95).unwrap(),
    );
    for j in 0..3 {
        assert_eq!(x.estimate[j], -y.estimate[j]);
        assert_eq!(x.low[j], -y.high[j]);
        assert_eq!(x.se[j], y.se[j]);
        assert_eq!(x.p_value.unwrap()[j], y.p_value.unwrap()[j]);
    }
}

#[test]
fn a_single_group_is_an_error() {
    let one = tallies(&[[54, 30, 20, 5]]);
    let message = summarise(&one, 0.95).unwrap_err().to_string();
    assert!(message.contains("a single group"), "{message}");
    assert!(summarise_pair(&[], 0.95).is_err());
    let pair = [(one[0], one[0])];
    assert!(summarise_pair(&pair, 0.95).is_err());
}

#[test]
fn no_blend_clips_leave_salience_and_the_mean_without_interval() {
    let s = summarise(
        &tallies(&[[20, 0, 5, 0], [30, 0, 9, 0], [25, 0, 4, 0]]),
        0.95,
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
    let s = summarise(&tallies(&rows), 0.95).unwrap();
    assert_eq!(s.high[0], 1.0);
    assert!((s.low[0] - 0.025f64.powf(1.0 / 50.0)).abs() < 1e-15);
    assert_eq!(s.se[0], 0.0);
}

#[test]
fn bad_confidence_is_an_error() {
    let rows = tallies(case("eleven_actors").tallies);
    assert!(summarise(&rows, 95.0).is_err());
}

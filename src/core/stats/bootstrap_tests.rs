//! Unit tests of the bootstrap core, kept beside `bootstrap.rs`.

use super::*;

fn options(n_resamples: usize, seed: u64, paired: bool) -> Options {
    Options {
        n_resamples,
        confidence: 0.95,
        method: Method::Percentile,
        seed,
        paired,
        keep_distribution: true,
    }
}

fn run(population: &Population, options: &Options) -> Result<Summary> {
    super::run(population, options, &Cancel::new())
}

/// 40 clips: 8 single right, 10 single wrong, 7 blend wrong, 6 presence only, 9 right.
fn outcomes() -> Vec<u8> {
    let mut v = Vec::new();
    for (cell, count) in [(0u8, 8), (1, 10), (2, 7), (3, 6), (4, 9)] {
        v.extend(std::iter::repeat_n(cell, count));
    }
    v
}

#[test]
fn clip_tallies_are_the_outcome_cells() {
    let population = Population::new(tallies(&outcomes(), None, None).unwrap());
    assert_eq!(population.size(), 40);
    let total = population.total();
    assert_eq!((total.n, total.n_blend), (40, 22));
    assert_eq!((total.presence, total.salience), (23, 9));
    assert_eq!(
        total.values(),
        [23.0 / 40.0, 9.0 / 22.0, (23.0 / 40.0 + 9.0 / 22.0) / 2.0]
    );
}

#[test]
fn cluster_tallies_merge_clips_and_equal_clusters() {
    let a = [0, 1, 4, 0, 1, 4, 2];
    let groups = [7, 7, 7, 3, 3, 3, -1];
    let population = Population::new(tallies(&a, None, Some(&groups)).unwrap());
    assert_eq!(population.size(), 3);
    // Clusters 7 and 3 tally the same and become one kind of weight 2.
    assert_eq!(population.kinds.len(), 2);
    assert_eq!(population.total().n, 7);
}

#[test]
fn rejects_bad_input() {
    assert!(tallies(&[], None, None).is_err());
    assert!(tallies(&[5], None, None).is_err());
    assert!(tallies(&[0, 1], Some(&[0]), None).is_err());
    assert!(tallies(&[0, 1], None, Some(&[1])).is_err());
    // A blend for A but a single-label clip for B: different labels.
    assert!(tallies(&[2], Some(&[0]), None).is_err());
    let population = Population::new(tallies(&[0], None, None).unwrap());
    assert!(run(&population, &options(0, 1, false)).is_err());
    let mut bad = options(10, 1, false);
    bad.confidence = 1.0;
    assert!(run(&population, &bad).is_err());
}

fn moments(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let v: Vec<f64> = values.collect();
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
    (mean, var)
}

#[test]
fn multinomial_and_index_draws_have_the_plain_bootstrap_moments() {
    // Presence of a resample is Bin(N, p) / N: mean p, variance p (1 - p) / N.
    for n_copies in [1usize, 100] {
        let a: Vec<u8> = outcomes().repeat(n_copies);
        let population = Population::new(tallies(&a, None, None).unwrap());
        // 40 clips go by index draws, 4000 by binomial chains.
        assert_eq!(population.units.is_some(), n_copies == 1);
        let b = 40_000;
        let summary = run(&population, &options(b, 11, false)).unwrap();
        let (mean, var) = moments(summary.distribution.iter().step_by(3).copied());
        let n = a.len() as f64;
        let p = 23.0 / 40.0;
        let want_var = p * (1.0 - p) / n;
        // Mean within 5 standard errors; variance within 5% (its relative sd is ~0.7%).
        assert!(
            (mean - p).abs() < 5.0 * (want_var / b as f64).sqrt(),
            "{n_copies}: {mean}"
        );
        assert!(
            (var / want_var - 1.0).abs() < 0.05,
            "{n_copies}: {var} vs {want_var}"
        );
    }
}

#[test]
fn same_seed_same_bits_whatever_the_thread_count() {
    let population = Population::new(tallies(&outcomes().repeat(30), None, None).unwrap());
    let replicate = |threads: usize, seed: u64| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            // Several tasks, and with one thread several batches of them.
            .install(|| {
                let b = (4 * TASK_CHUNKS + 1) * CHUNK + 17;
                run(&population, &options(b, seed, false)).unwrap()
            })
            .distribution
    };
    let one = replicate(1, 42);
    assert_eq!(one, replicate(2, 42));
    assert_eq!(one, replicate(3, 42));
    assert_ne!(one, replicate(2, 43));
}

#[test]
fn jackknife_matches_leaving_out_each_clip() {
    let a = outcomes();
    let population = Population::new(tallies(&a, None, None).unwrap());
    for j in 0..3 {
        let mut fast: Vec<(f64, u64)> = population.jackknife(j);
        fast.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut naive: Vec<f64> = (0..a.len())
            .map(|i| {
                let rest: Vec<u8> = a
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| k != i)
                    .map(|(_, &c)| c)
                    .collect();
                Population::new(tallies(&rest, None, None).unwrap())
                    .total()
                    .values()[j]
            })
            .collect();
        naive.sort_by(f64::total_cmp);
        let expanded: Vec<f64> = fast
            .iter()
            .flat_map(|&(v, w)| std::iter::repeat_n(v, w as usize))
            .collect();
        assert_eq!(expanded, naive, "statistic {j}");
    }
}

#[test]
fn identical_systems_never_differ() {
    let a = outcomes();
    let population = Population::new(tallies(&a, Some(&a), None).unwrap());
    let summary = run(&population, &options(2000, 5, true)).unwrap();
    assert!(summary.distribution.iter().all(|&d| d == 0.0));
    assert_eq!(summary.p_value, Some([1.0; 3]));
}

#[test]
fn paired_tallies_use_the_joint_cells() {
    // A right where B is wrong on singles, and B better on the blends' salience.
    let a = [0, 0, 1, 3, 4, 2];
    let b = [1, 1, 1, 4, 4, 3];
    let population = Population::new(tallies(&a, Some(&b), None).unwrap());
    let total = population.total();
    assert_eq!((total.presence, total.salience), (1, -1));
    let [dp, ds, dm] = total.values();
    assert_eq!(dp, 1.0 / 6.0);
    assert_eq!(ds, -1.0 / 3.0);
    assert!((dm - ((4.0 / 6.0 + 1.0 / 3.0) / 2.0 - (3.0 / 6.0 + 2.0 / 3.0) / 2.0)).abs() < 1e-15);
    // The 13 joint cells merge into kinds by (blend, A - B): here 5 kinds.
    assert_eq!(population.kinds.len(), 5);
}

#[test]
fn extreme_differences_are_counted_exactly() {
    // hat = 1/10: extreme when d <= 0 or d >= 2/10, ties included.
    let hat = (1, 10);
    assert!(is_extreme((0, 7), hat));
    assert!(is_extreme((-1, 7), hat));
    assert!(is_extreme((2, 10), hat));
    assert!(is_extreme((1, 5), hat));
    assert!(!is_extreme((1, 6), hat));
    assert!(!is_extreme((19, 100), hat));
    // Negative observed differences mirror it.
    assert!(is_extreme((-1, 5), (-1, 10)));
    assert!(!is_extreme((-1, 6), (-1, 10)));
    assert!(is_extreme((5, 9), (0, 1)));
}

#[test]
fn one_unit_gives_a_point_interval() {
    let population = Population::new(tallies(&[4], None, None).unwrap());
    let mut opts = options(100, 3, false);
    opts.method = Method::Bca;
    let summary = run(&population, &opts).unwrap();
    assert_eq!(summary.low, [1.0, 1.0, 1.0]);
    assert_eq!(summary.high, [1.0, 1.0, 1.0]);
    assert_eq!(summary.se, [0.0, 0.0, 0.0]);
    assert!(summary.messages.is_empty());
}

#[test]
fn options_are_checked_with_the_argument_named() {
    assert_eq!(
        check_n_resamples(-5).unwrap_err().to_string(),
        "n_resamples must be at least 1; got -5"
    );
    assert_eq!(
        check_confidence(95.0).unwrap_err().to_string(),
        "confidence must be strictly between 0 and 1; got 95 (did you mean 0.95?)"
    );
    // 1.5 is no percentage: no hint to 0.015.
    assert_eq!(
        check_confidence(1.5).unwrap_err().to_string(),
        "confidence must be strictly between 0 and 1; got 1.5"
    );
    assert!(check_confidence(f64::NAN)
        .unwrap_err()
        .to_string()
        .ends_with("got nan"));
    assert!(check_confidence(0.9).is_ok());
}

#[test]
fn the_intervals_do_not_need_the_replicates_kept() {
    let population =
        Population::new(tallies(&outcomes().repeat(3), Some(&outcomes().repeat(3)), None).unwrap());
    for method in [Method::Percentile, Method::Basic, Method::Bca] {
        let mut kept = options((2 * TASK_CHUNKS + 1) * CHUNK + 5, 8, true);
        kept.method = method;
        let full = run(&population, &kept).unwrap();
        let lean = run(
            &population,
            &Options {
                keep_distribution: false,
                ..kept
            },
        )
        .unwrap();
        assert!(lean.distribution.is_empty());
        assert_eq!(full.distribution.len(), 3 * kept.n_resamples);
        assert_eq!(
            (full.low, full.high, full.se, full.p_value),
            (lean.low, lean.high, lean.se, lean.p_value)
        );
    }
}

#[test]
fn a_cancelled_run_stops_with_an_error() {
    let population = Population::new(tallies(&outcomes(), None, None).unwrap());
    let cancel = Cancel::new();
    cancel.cancel();
    let err = super::run(&population, &options(10 * CHUNK, 1, false), &cancel).unwrap_err();
    assert_eq!(err, Error::Cancelled);
}

#[test]
fn replicates_beyond_memory_are_an_error_not_an_abort() {
    let population = Population::new(tallies(&outcomes(), None, None).unwrap());
    let err = run(&population, &options(usize::MAX / 4, 1, false)).unwrap_err();
    assert!(matches!(err, Error::Memory { .. }), "{err}");
    assert!(err
        .to_string()
        .starts_with(&format!("n_resamples={} needs ", usize::MAX / 4)));
}

//! Tests of the experimental designs against SciPy and SALib reference values.

use super::*;

/// `scipy.stats.qmc.Sobol(5, scramble=False).random(16)` (scipy 1.17.1).
const SCIPY_SOBOL_5D: [[f64; 5]; 16] = [
    [0.0, 0.0, 0.0, 0.0, 0.0],
    [0.5, 0.5, 0.5, 0.5, 0.5],
    [0.75, 0.25, 0.25, 0.25, 0.75],
    [0.25, 0.75, 0.75, 0.75, 0.25],
    [0.375, 0.375, 0.625, 0.875, 0.375],
    [0.875, 0.875, 0.125, 0.375, 0.875],
    [0.625, 0.125, 0.875, 0.625, 0.625],
    [0.125, 0.625, 0.375, 0.125, 0.125],
    [0.1875, 0.3125, 0.9375, 0.4375, 0.5625],
    [0.6875, 0.8125, 0.4375, 0.9375, 0.0625],
    [0.9375, 0.0625, 0.6875, 0.1875, 0.3125],
    [0.4375, 0.5625, 0.1875, 0.6875, 0.8125],
    [0.3125, 0.1875, 0.3125, 0.5625, 0.9375],
    [0.8125, 0.6875, 0.8125, 0.0625, 0.4375],
    [0.5625, 0.4375, 0.0625, 0.8125, 0.1875],
    [0.0625, 0.9375, 0.5625, 0.3125, 0.6875],
];

#[test]
fn sobol_matches_scipy_first_points() {
    let points = sobol_points(16, 5, 0).unwrap();
    for (ours, theirs) in points.iter().zip(SCIPY_SOBOL_5D) {
        assert_eq!(ours.as_slice(), theirs.as_slice());
    }
}

#[test]
fn sobol_matches_scipy_in_high_dimensions_after_skip() {
    // `s = Sobol(256, scramble=False); s.fast_forward(1000); s.random(3)`, columns
    // 36..=40 and 252..=256 (1-based), exercising the embedded table at both ends.
    let expected = [
        [
            0.7705078125,
            0.8486328125,
            0.8310546875,
            0.3076171875,
            0.4794921875,
        ],
        [
            0.2705078125,
            0.3486328125,
            0.3310546875,
            0.8076171875,
            0.9794921875,
        ],
        [
            0.0205078125,
            0.5986328125,
            0.5810546875,
            0.0576171875,
            0.2294921875,
        ],
    ];
    let expected_last = [
        [
            0.1708984375,
            0.3798828125,
            0.5888671875,
            0.4345703125,
            0.2490234375,
        ],
        [
            0.6708984375,
            0.8798828125,
            0.0888671875,
            0.9345703125,
            0.7490234375,
        ],
        [
            0.9208984375,
            0.1298828125,
            0.3388671875,
            0.6845703125,
            0.9990234375,
        ],
    ];
    let points = sobol_points(3, MAX_SOBOL_DIMS, 1000).unwrap();
    assert_eq!(MAX_SOBOL_DIMS, 256);
    for (i, point) in points.iter().enumerate() {
        assert_eq!(&point[35..40], expected[i].as_slice());
        assert_eq!(&point[251..256], expected_last[i].as_slice());
    }
}

#[test]
fn sobol_skip_continues_the_sequence() {
    let all = sobol_points(300, 12, 0).unwrap();
    for skip in [1, 2, 7, 64, 255] {
        let tail = sobol_points(300 - skip, 12, skip).unwrap();
        assert_eq!(tail.as_slice(), &all[skip..]);
    }
}

#[test]
fn sobol_first_power_of_two_points_stratify_every_dimension() {
    // The defining (t, m, s)-net property in one dimension: the first 2^m points of each
    // coordinate are exactly the multiples of 2^-m, a check on every embedded table row.
    let n = 1024;
    let points = sobol_points(n, MAX_SOBOL_DIMS, 0).unwrap();
    for j in 0..MAX_SOBOL_DIMS {
        let mut cells: Vec<usize> = points.iter().map(|p| (p[j] * n as f64) as usize).collect();
        cells.sort_unstable();
        assert!(cells.iter().copied().eq(0..n), "dimension {}", j + 1);
        assert!(
            points
                .iter()
                .all(|p| p[j] * n as f64 == (p[j] * n as f64).floor())
        );
    }
}

#[test]
fn sobol_errors() {
    assert_eq!(sobol_points(0, 2, 0), Err(DesignError::ZeroPoints));
    assert_eq!(sobol_points(4, 0, 0), Err(DesignError::ZeroFactors));
    assert_eq!(
        sobol_points(4, MAX_SOBOL_DIMS + 1, 0),
        Err(DesignError::TooManySobolDimensions {
            dims: MAX_SOBOL_DIMS + 1,
            max: MAX_SOBOL_DIMS
        })
    );
    let last = (1usize << 32) - 1;
    assert!(sobol_points(1, 1, last).is_ok());
    assert_eq!(
        sobol_points(2, 1, last),
        Err(DesignError::SobolExhausted { skip: last, n: 2 })
    );
}

#[test]
fn full_factorial_spans_the_grid_last_factor_fastest() {
    let grid = full_factorial(2, 3).unwrap();
    let expected = [
        [0.0, 0.0],
        [0.0, 0.5],
        [0.0, 1.0],
        [0.5, 0.0],
        [0.5, 0.5],
        [0.5, 1.0],
        [1.0, 0.0],
        [1.0, 0.5],
        [1.0, 1.0],
    ];
    assert_eq!(grid.len(), 9);
    for (ours, theirs) in grid.iter().zip(expected) {
        assert_eq!(ours.as_slice(), theirs.as_slice());
    }
    assert_eq!(full_factorial(3, 1).unwrap(), vec![vec![0.5; 3]]);
    assert_eq!(full_factorial(4, 2).unwrap().len(), 16);
}

#[test]
fn full_factorial_errors() {
    assert_eq!(full_factorial(0, 3), Err(DesignError::ZeroFactors));
    assert_eq!(full_factorial(2, 0), Err(DesignError::ZeroLevels));
    assert_eq!(
        full_factorial(100, 10),
        Err(DesignError::SizeOverflow { design: "grid" })
    );
}

#[test]
fn latin_hypercube_hits_every_stratum_once() {
    for n in [1, 2, 3, 7, 10, 99, 1000] {
        for seed in [0, 1, 42, u64::MAX] {
            let k = 4;
            let sample = latin_hypercube(n, k, seed).unwrap();
            assert_eq!(sample.len(), n);
            for j in 0..k {
                let mut hits = vec![0usize; n];
                for point in &sample {
                    assert_eq!(point.len(), k);
                    assert!((0.0..1.0).contains(&point[j]));
                    hits[(point[j] * n as f64).floor() as usize] += 1;
                }
                assert!(
                    hits.iter().all(|&h| h == 1),
                    "n = {n}, seed = {seed}, dim = {j}"
                );
            }
        }
    }
}

#[test]
fn in_stratum_survives_extreme_offsets() {
    let below_one = f64::from_bits(1.0f64.to_bits() - 1);
    for n in [1, 3, 10, 49, 1 << 20, 3_000_017] {
        for stratum in [0, n / 2, n - 1] {
            for u in [0.0, f64::MIN_POSITIVE, 0.5, below_one] {
                let x = in_stratum(stratum, u, n);
                assert_eq!((x * n as f64).floor() as usize, stratum);
                assert!(x < 1.0);
            }
        }
    }
}

#[test]
fn randomised_designs_are_deterministic_in_the_seed() {
    assert_eq!(
        latin_hypercube(50, 3, 7).unwrap(),
        latin_hypercube(50, 3, 7).unwrap()
    );
    assert_ne!(
        latin_hypercube(50, 3, 7).unwrap(),
        latin_hypercube(50, 3, 8).unwrap()
    );
    assert_eq!(
        morris_trajectories(10, 5, 4, 7).unwrap(),
        morris_trajectories(10, 5, 4, 7).unwrap()
    );
    assert_ne!(
        morris_trajectories(10, 5, 4, 7).unwrap(),
        morris_trajectories(10, 5, 4, 8).unwrap()
    );
    let design = Design::LatinHypercube;
    assert_eq!(
        design.generate(3, 20, 1).unwrap(),
        design.generate(3, 20, 1).unwrap()
    );
}

#[test]
fn latin_hypercube_errors() {
    assert_eq!(latin_hypercube(0, 2, 1), Err(DesignError::ZeroPoints));
    assert_eq!(latin_hypercube(5, 0, 1), Err(DesignError::ZeroFactors));
}

#[test]
fn saltelli_layout_follows_salib() {
    let (n, k, skip) = (8, 3, 8);
    let base = sobol_points(n, 2 * k, skip).unwrap();
    for second_order in [false, true] {
        let rows = saltelli_sample(n, k, skip, second_order).unwrap();
        let block = if second_order { 2 * k + 2 } else { k + 2 };
        assert_eq!(rows.len(), n * block);
        for (j, point) in base.iter().enumerate() {
            let (a, b) = point.split_at(k);
            let rows = &rows[j * block..(j + 1) * block];
            assert_eq!(rows[0], a);
            assert_eq!(rows[block - 1], b);
            for i in 0..k {
                let ab: Vec<f64> = (0..k).map(|c| if c == i { b[c] } else { a[c] }).collect();
                assert_eq!(rows[1 + i], ab);
                if second_order {
                    let ba: Vec<f64> = (0..k).map(|c| if c == i { a[c] } else { b[c] }).collect();
                    assert_eq!(rows[1 + k + i], ba);
                }
            }
        }
    }
}

#[test]
fn saltelli_errors() {
    assert_eq!(
        saltelli_sample(0, 2, 0, false),
        Err(DesignError::ZeroPoints)
    );
    assert_eq!(
        saltelli_sample(4, 0, 0, false),
        Err(DesignError::ZeroFactors)
    );
    let k = MAX_SALTELLI_FACTORS + 1;
    assert_eq!(
        saltelli_sample(4, k, 0, true),
        Err(DesignError::TooManySaltelliFactors {
            k,
            max: MAX_SALTELLI_FACTORS
        })
    );
    assert!(saltelli_sample(4, MAX_SALTELLI_FACTORS, 0, false).is_ok());
}

#[test]
fn morris_trajectories_move_each_factor_once_by_delta() {
    for levels in [2, 4, 6, 8] {
        let (r, k) = (20, 5);
        let rows = morris_trajectories(r, k, levels, 3).unwrap();
        assert_eq!(rows.len(), r * (k + 1));
        let delta = levels as f64 / (2.0 * (levels - 1) as f64);
        for trajectory in rows.chunks(k + 1) {
            let mut moved = vec![false; k];
            for pair in trajectory.windows(2) {
                let changed: Vec<usize> = (0..k).filter(|&j| pair[0][j] != pair[1][j]).collect();
                assert_eq!(changed.len(), 1);
                let j = changed[0];
                assert!(!moved[j]);
                moved[j] = true;
                assert!(((pair[1][j] - pair[0][j]).abs() - delta).abs() < 1e-12);
            }
            for point in trajectory {
                for &x in point {
                    let level = x * (levels - 1) as f64;
                    assert!((level - level.round()).abs() < 1e-12 && (0.0..=1.0).contains(&x));
                }
            }
        }
    }
}

#[test]
fn morris_errors() {
    assert_eq!(
        morris_trajectories(0, 3, 4, 1),
        Err(DesignError::ZeroTrajectories)
    );
    assert_eq!(
        morris_trajectories(5, 0, 4, 1),
        Err(DesignError::ZeroFactors)
    );
    assert_eq!(
        morris_trajectories(5, 3, 1, 1),
        Err(DesignError::MorrisTooFewLevels { levels: 1 })
    );
    assert_eq!(
        morris_trajectories(5, 3, 0, 1),
        Err(DesignError::MorrisTooFewLevels { levels: 0 })
    );
    assert_eq!(
        morris_trajectories(5, 3, 3, 1),
        Err(DesignError::MorrisOddLevels { levels: 3 })
    );
}

#[test]
fn design_sizes_and_budget() {
    let k = 3;
    let cases = [
        (Design::Grid { levels: 4 }, 64),
        (
            Design::Morris {
                trajectories: 10,
                levels: 4,
            },
            40,
        ),
        (
            Design::Saltelli {
                base_samples: 16,
                second_order: false,
            },
            80,
        ),
        (
            Design::Saltelli {
                base_samples: 16,
                second_order: true,
            },
            128,
        ),
    ];
    for (design, size) in cases {
        assert_eq!(design.fixed_size(k), Ok(Some(size)));
        assert_eq!(design.generate(k, size, 0).unwrap().len(), size);
        assert_eq!(design.generate(k, 10_000, 0).unwrap().len(), size);
        assert_eq!(
            design.generate(k, size - 1, 0),
            Err(DesignError::NotEnoughPoints {
                needed: size,
                n_points: size - 1
            })
        );
    }
    for design in [Design::LatinHypercube, Design::Sobol] {
        assert_eq!(design.fixed_size(k), Ok(None));
        assert_eq!(design.generate(k, 37, 0).unwrap().len(), 37);
        assert_eq!(design.generate(k, 0, 0), Err(DesignError::ZeroPoints));
    }
    assert_eq!(
        Design::Sobol.generate(0, 10, 0),
        Err(DesignError::ZeroFactors)
    );
    assert_eq!(
        Design::Saltelli {
            base_samples: 0,
            second_order: false
        }
        .generate(2, 10, 0),
        Err(DesignError::ZeroPoints)
    );
    // The Saltelli design skips SALib's default number of initial points.
    let salt = Design::Saltelli {
        base_samples: 16,
        second_order: false,
    }
    .generate(2, 64, 0)
    .unwrap();
    assert_eq!(salt, saltelli_sample(16, 2, 16, false).unwrap());
    let err = Design::Saltelli {
        base_samples: 1024,
        second_order: false,
    }
    .generate(3, 100, 0)
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "design needs at least 5120 points but n_points = 100"
    );
}

#[test]
fn design_reads_from_json() {
    let design: Design =
        serde_json::from_str(r#"{"method": "saltelli", "base_samples": 64}"#).unwrap();
    assert_eq!(
        design,
        Design::Saltelli {
            base_samples: 64,
            second_order: false
        }
    );
    let design: Design =
        serde_json::from_str(r#"{"method": "morris", "trajectories": 8, "levels": 4}"#).unwrap();
    assert_eq!(
        design,
        Design::Morris {
            trajectories: 8,
            levels: 4
        }
    );
    let design: Design = serde_json::from_str(r#"{"method": "latin_hypercube"}"#).unwrap();
    assert_eq!(design, Design::LatinHypercube);
    assert!(
        serde_json::from_str::<Design>(r#"{"method": "grid", "levels": 3, "extra": 1}"#).is_err()
    );
    let text = serde_json::to_string(&Design::Grid { levels: 5 }).unwrap();
    assert_eq!(
        serde_json::from_str::<Design>(&text).unwrap(),
        Design::Grid { levels: 5 }
    );
}

#[test]
fn scale_maps_to_ranges_with_exact_bounds() {
    let factors = [Factor::new("a", 0.1, 0.3), Factor::new("b", -5.0, 5.0)];
    let scaled = scale(&[vec![0.0, 1.0], vec![1.0, 0.5], vec![0.5, 0.25]], &factors).unwrap();
    assert_eq!(scaled[0], [0.1, 5.0]);
    assert_eq!(scaled[1], [0.3, 0.0]);
    assert!((scaled[2][0] - 0.2).abs() < 1e-15);
    assert_eq!(scaled[2][1], -2.5);
}

#[test]
fn scale_errors() {
    let factors = [Factor::new("a", 0.0, 1.0), Factor::new("b", 0.0, 2.0)];
    assert_eq!(
        scale(&[vec![0.5, 0.5], vec![0.5]], &factors),
        Err(DesignError::DimensionMismatch {
            row: 1,
            expected: 2,
            found: 1
        })
    );
    assert_eq!(
        scale(&[vec![0.5, 1.5]], &factors),
        Err(DesignError::OutsideUnitCube {
            row: 0,
            col: 1,
            value: 1.5
        })
    );
    assert!(matches!(
        scale(&[vec![f64::NAN, 0.5]], &factors),
        Err(DesignError::OutsideUnitCube { .. })
    ));
    for (low, high) in [
        (1.0, 1.0),
        (2.0, 1.0),
        (0.0, f64::INFINITY),
        (f64::NAN, 1.0),
    ] {
        let bad = [Factor::new("c", low, high)];
        assert!(matches!(
            scale(&[vec![0.5]], &bad),
            Err(DesignError::InvalidBounds { .. })
        ));
    }
    let msg = scale(&[vec![0.5]], &[Factor::new("c", 2.0, 1.0)])
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "factor 'c' has invalid bounds [2, 1]: need finite low < high"
    );
}

#[test]
fn salib_problem_json_has_salib_keys() {
    let factors = [
        Factor::new("wage", 10.0, 20.0),
        Factor::new("rate", 0.0, 0.5),
    ];
    let text = salib_problem_json(&factors);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"num_vars": 2, "names": ["wage", "rate"], "bounds": [[10.0, 20.0], [0.0, 0.5]]})
    );
}

#[test]
fn sample_matrix_text_round_trips() {
    let rows = vec![
        vec![0.1, 1.0 / 3.0, 0.0, -0.0, 1e-300, 5e-324],
        vec![
            -2.5e20,
            1e15,
            123456.789,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ],
    ];
    let text = sample_matrix_text(&rows);
    assert!(text.ends_with('\n'));
    assert_eq!(
        text.lines().next().unwrap(),
        "0.1 0.3333333333333333 0 -0 1e-300 5e-324"
    );
    for (line, row) in text.lines().zip(&rows) {
        let parsed: Vec<f64> = line.split(' ').map(|t| t.parse().unwrap()).collect();
        assert_eq!(parsed.len(), row.len());
        for (p, v) in parsed.iter().zip(row) {
            assert!(p.to_bits() == v.to_bits() || (p.is_nan() && v.is_nan()));
        }
    }
}

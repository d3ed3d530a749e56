//! Benchmarks: one monthly step of the Novokuznetsk scenario at scale 1:1 (1.2 million
//! people, the speed target of the project), and a whole small run. Run with
//! `cargo bench --bench step`; the month step's throughput is in person-months per second.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use monotown::model::Model;
use monotown::run::simulate;
use monotown::scenario::Scenario;

fn scenario(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    Scenario::load(&path).expect("shipped scenario")
}

fn month_step(c: &mut Criterion) {
    let mut model = Model::new(scenario("novokuznetsk"), 1);
    // Warm up past the first year so that the state is typical.
    for _ in 0..12 {
        model.step();
    }
    let mut g = c.benchmark_group("month_step");
    g.sample_size(20);
    g.throughput(Throughput::Elements(model.people.live() as u64));
    g.bench_function("novokuznetsk_scale_1", |b| b.iter(|| model.step()));
    g.finish();
}

fn small_run(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.toml");
    let s = Scenario::load(&path).expect("tiny scenario");
    let mut g = c.benchmark_group("whole_run");
    g.sample_size(10);
    g.bench_function("tiny_1989_1996_scale_0.05", |b| b.iter(|| simulate(&s, 1)));
    g.finish();
}

criterion_group!(benches, month_step, small_run);
criterion_main!(benches);

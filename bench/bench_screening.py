"""Benchmark the screening engine.

Run from the repository root:  python bench/bench_screening.py

Cases, each against a reference measured in the same run, after checking both agree:
(a) 10,000 seeded answer sets of the illustrative instrument scored with the instrument read
    once, against re-reading the Questionnaire for every answer set (no compiled model);
(b) 2,000 answer sets of the HL7 Hunger Vital Sign, whose risk is FHIRPath (variables and a
    calculatedExpression), with expressions compiled once against parsing them on every use;
(c) the page model (evaluate + page_model, in Spanish) of a generated 200-item instrument with
    skip logic, against reading that instrument.
Timings alternate engine and reference and report medians, so both see the same load.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from upstream.screening.page import page_model  # noqa: E402
from upstream.screening.questionnaire import (  # noqa: E402
    Coding,
    Instrument,
    load_built_in,
    load_questionnaire,
)
from upstream.screening.scoring import evaluate  # noqa: E402


def shared_data() -> Path:
    override = os.environ.get("UPSTREAM_SHARED_DATA")
    return Path(override) if override else REPO.parent / "shared" / "data"


def interleaved_medians(
    first: Callable[[], object], second: Callable[[], object], runs: int
) -> tuple[float, float]:
    """Median wall time (ms) of each function, alternating runs so both see the same load."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        for fn, times in ((first, a), (second, b)):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(a), statistics.median(b)


def answer_sets(instrument: Instrument, n: int, seed: int) -> list[dict[str, list[Any]]]:
    """Seeded answer sets: each question answered with probability 0.7 by one of its options."""
    rng = random.Random(seed)
    out = []
    questions = [i for i in instrument.walk() if i.options and not i.is_computed]
    for _ in range(n):
        answers: dict[str, list[Any]] = {}
        for item in questions:
            if rng.random() < 0.7:
                picks = rng.sample(item.options, rng.randint(1, 2) if item.repeats else 1)
                answers[item.link_id] = [o.value for o in picks]
        out.append(answers)
    return out


def generated_instrument(n_items: int = 200) -> dict[str, Any]:
    """Groups of ten: a yes/no gate, then questions shown only when the gate is yes."""
    tr = "http://hl7.org/fhir/StructureDefinition/translation"

    def text(en: str, es: str) -> dict[str, Any]:
        return {
            "text": en,
            "_text": {
                "extension": [
                    {
                        "url": tr,
                        "extension": [
                            {"url": "lang", "valueCode": "es"},
                            {"url": "content", "valueString": es},
                        ],
                    }
                ]
            },
        }

    groups = []
    for g in range(n_items // 10):
        gate = f"g{g}.gate"
        items: list[dict[str, Any]] = [
            {
                "linkId": gate,
                "type": "choice",
                **text(f"Gate {g}", f"Puerta {g}"),
                "answerOption": [
                    {"valueCoding": {"system": "urn:b", "code": c}} for c in ("y", "n")
                ],
            }
        ]
        for k in range(8):
            items.append(
                {
                    "linkId": f"g{g}.q{k}",
                    "type": "choice",
                    **text(f"Question {k}", f"Pregunta {k}"),
                    "enableWhen": [
                        {
                            "question": gate,
                            "operator": "=",
                            "answerCoding": {"system": "urn:b", "code": "y"},
                        }
                    ],
                    "answerOption": [
                        {
                            "valueCoding": {"system": "urn:b", "code": str(v)},
                            "extension": [
                                {
                                    "url": "http://hl7.org/fhir/StructureDefinition/itemWeight",
                                    "valueDecimal": v,
                                }
                            ],
                        }
                        for v in range(4)
                    ],
                }
            )
        groups.append(
            {"linkId": f"g{g}", "type": "group", **text(f"Part {g}", f"Parte {g}"), "item": items}
        )
    return {
        "resourceType": "Questionnaire",
        "url": "urn:bench:200",
        "version": "1",
        "status": "active",
        "language": "en",
        "item": groups,
    }


def case_illustrative() -> None:
    instrument = load_built_in("upstream-illustrative")
    raw = json.dumps(instrument.resource)
    sets = answer_sets(instrument, 10_000, seed=13)
    sample = sets[:200]
    for answers in sample:
        assert (
            evaluate(instrument, answers).score == evaluate(load_questionnaire(raw), answers).score
        )

    def engine() -> None:
        for answers in sets:
            evaluate(instrument, answers)

    def reference() -> None:
        for answers in sets[:100]:
            evaluate(load_questionnaire(raw), answers)

    engine_ms, reference_ms = interleaved_medians(engine, reference, runs=3)
    per_second = 10_000 / (engine_ms / 1000)
    reference_per_second = 100 / (reference_ms / 1000)
    print(
        f"illustrative, 10,000 answer sets: {engine_ms:.0f} ms, {per_second:,.0f} sets/s; "
        f"re-reading the Questionnaire each time: {reference_per_second:,.0f} sets/s; "
        f"ratio {per_second / reference_per_second:.1f}x",
        flush=True,
    )


def case_hunger_vital_sign() -> None:
    path = (
        shared_data()
        / "fhir"
        / "sdoh-clinicalcare"
        / "Questionnaire-SDOHCC-QuestionnaireHungerVitalSign.json"
    )
    instrument = load_questionnaire(path.read_text())
    codes = ["LA28397-0", "LA6729-3", "LA28398-8", "LA15775-2"]
    rng = random.Random(88121)
    sets = [
        {
            link: [Coding("http://loinc.org", rng.choice(codes))]
            for link in ("/88122-7", "/88123-5")
            if rng.random() < 0.9
        }
        for _ in range(2_000)
    ]
    for answers in sets[:100]:
        assert (
            evaluate(instrument, answers).answers
            == evaluate(instrument, answers, cached=False).answers
        )

    def engine() -> None:
        for answers in sets:
            evaluate(instrument, answers)

    def reference() -> None:
        for answers in sets[:100]:
            evaluate(instrument, answers, cached=False)

    engine_ms, reference_ms = interleaved_medians(engine, reference, runs=3)
    per_second = len(sets) / (engine_ms / 1000)
    reference_per_second = 100 / (reference_ms / 1000)
    print(
        f"Hunger Vital Sign (FHIRPath), 2,000 answer sets: {per_second:,.0f} sets/s compiled "
        f"once; {reference_per_second:,.0f} sets/s parsing each use; "
        f"ratio {per_second / reference_per_second:.1f}x",
        flush=True,
    )


def case_page_model() -> None:
    data = generated_instrument()
    instrument = load_questionnaire(data)
    assert len(instrument.items) == 200
    answers = {f"g{g}.gate": [Coding("urn:b", "y" if g % 2 else "n")] for g in range(20)}
    answers.update({f"g{g}.q0": [Coding("urn:b", "3")] for g in range(20)})
    views = page_model(instrument, evaluate(instrument, answers), language="es")
    assert len(views) == 20 + 20 + 10 * 8 and views[0].text == "Parte 0"

    def engine() -> None:
        page_model(instrument, evaluate(instrument, answers), language="es")

    def reference() -> None:
        load_questionnaire(data)

    engine_ms, reference_ms = interleaved_medians(engine, reference, runs=15)
    print(
        f"200-item instrument: page model (evaluate + page_model, es) {engine_ms:.1f} ms; "
        f"reading the instrument {reference_ms:.1f} ms; ratio {reference_ms / engine_ms:.1f}x",
        flush=True,
    )


def main() -> None:
    case_illustrative()
    case_hunger_vital_sign()
    case_page_model()


if __name__ == "__main__":
    main()

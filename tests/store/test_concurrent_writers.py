"""Twenty writers at once, on SQLite and on PostgreSQL: every run is stored, once, whole."""

from __future__ import annotations

import threading

from realpolitik.scenarios import load_builtin
from realpolitik.store import get_run, list_runs, record_run

WRITERS = 20
RUNS_EACH = 3


def test_twenty_concurrent_writers_lose_and_mix_nothing(store_url):
    scenario = load_builtin("emissions-1994")
    start = threading.Barrier(WRITERS)
    stored: dict[tuple[int, int], int] = {}
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for number in range(RUNS_EACH):
                result = {"writer": writer, "number": number}
                stored[writer, number] = record_run("forecast", scenario, {"compromise": {}}, result,
                                                    seed=writer, parameters={"writer": writer}, db=store_url)
        except BaseException as error:  # noqa: BLE001 - reported below, with the writer that raised it
            failures.append(error)

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert len(set(stored.values())) == WRITERS * RUNS_EACH
    assert len(list_runs(store_url, limit=1000)) == WRITERS * RUNS_EACH
    for (writer, number), run_id in stored.items():
        run = get_run(run_id, store_url)
        assert (run.result, run.seed, run.parameters) == ({"writer": writer, "number": number}, writer,
                                                          {"writer": writer})

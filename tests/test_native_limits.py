"""No argument aborts the process, and Ctrl-C stops long native work.

Each call runs in a child process, so that a Rust abort (exit 134) or a
hang shows as a failed test instead of taking pytest down:

- under a lowered address-space limit (``RLIMIT_AS``, ``ulimit -v``), a call
  whose argument asks for more memory than is left raises ``MemoryError``
  naming the argument, and the child exits normally;
- a SIGINT sent while a long call runs raises ``KeyboardInterrupt`` in the
  child within half a second. The delay is measured from the parent's send
  to the child's ``except`` on the system-wide monotonic clock.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="RLIMIT_AS and SIGINT as on Linux"
)

#: Ample for a child that builds a small dataset and makes one call on a
#: loaded machine; a hang ends the test instead of the run.
DEADLINE = 240.0

#: The most time from SIGINT to KeyboardInterrupt.
MAX_DELAY = 0.5

#: Builds what the calls need: the synthetic test split's predictions for two
#: models and its labels, and the probabilities with clip names.
SETUP = """
import json, os, resource, sys, time
import numpy as np
import blemore_fast as bf
from blemore_fast import reference, synthetic

data = synthetic.make_dataset(seed=0)
test = data.select("test")
names = list(data.clips["filename"][test])
labels = data.clips[test]
probs = {m: data.probs[m][test] for m in ("good", "weaker")}
P = {m: reference.probs_to_dict(reference.top2(p), names, 0.3, 0.1) for m, p in probs.items()}

def address_space():
    # The first field of statm: the address space in use, in pages.
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")

def limit_to(extra):
    # Leave `extra` bytes of address space beyond what is in use.
    limit = address_space() + extra
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
"""


def _run(body: str) -> subprocess.CompletedProcess[str]:
    script = SETUP + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=False,
    )


def _outcome(body: str) -> dict[str, str]:
    """Runs `body` in a child, which prints a JSON line; the child must exit 0."""
    done = _run(body)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


# Each call asks for far more than 1.5 GB beyond what the child uses: the
# replicates of 10**8 resamples (2.4 GB), the leaderboard's multiplier draws,
# a 20,000 x 20,000 grid (6.4 GB of counts).
CALLS = {
    "bootstrap": (
        "bf.bootstrap(P['good'], labels, cluster='clip', n_resamples=10**8, return_distribution=True)"
    ),
    "compare": (
        "bf.compare(P['good'], P['weaker'], labels, cluster='clip', n_resamples=10**8, return_distribution=True)"
    ),
    "leaderboard": "bf.leaderboard(P, labels, n_resamples=10**8)",
    "grid_search": (
        "bf.grid_search(probs['good'], names, alphas=np.linspace(0, 1, 20000), "
        "betas=np.linspace(0, 1, 20000))"
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_too_large_an_argument_is_a_memory_error(name: str) -> None:
    outcome = _outcome(
        f"""
        limit_to(1_500_000_000)
        try:
            {CALLS[name]}
            print(json.dumps({{"result": "returned"}}))
        except MemoryError as e:
            print(json.dumps({{"result": "MemoryError", "message": str(e)}}))
        """
    )
    assert outcome["result"] == "MemoryError", outcome
    argument = "alphas x betas" if name == "grid_search" else "n_resamples=100000000"
    assert outcome["message"].startswith(argument), outcome
    assert "MB of memory" in outcome["message"]


def test_the_intervals_need_no_memory_per_replicate() -> None:
    """10**7 replicates kept as floats take 240 MB, and another 240 MB to
    read intervals off them; a histogram of their distinct values takes a
    few kilobytes. Within 150 MB the call returns the same result as without
    a limit (same seed: every number is the same)."""
    outcome = _outcome(
        """
        warm = bf.bootstrap(P["good"], labels, cluster="clip", n_resamples=60_000, seed=1)  # start the threads
        expected = bf.bootstrap(P["good"], labels, cluster="clip", n_resamples=60_000, seed=2).as_dict()
        limit_to(150_000_000)
        big = bf.bootstrap(P["good"], labels, cluster="clip", n_resamples=10**7, seed=3)
        same = bf.bootstrap(P["good"], labels, cluster="clip", n_resamples=60_000, seed=2).as_dict() == expected
        print(json.dumps({"low": big.mean.low, "high": big.mean.high, "same": same}))
        """
    )
    assert outcome["same"] is True
    assert 0 < outcome["low"] < outcome["high"] < 1


def _interrupt(call: str, prepare: str = "") -> float:
    """Runs `prepare`, then sends SIGINT to the child 1 s into `call`;
    returns the delay until the child caught KeyboardInterrupt."""
    body = textwrap.indent(textwrap.dedent(call).strip(), "    ")
    script = (
        SETUP
        + textwrap.dedent(prepare)
        + 'print("ready", flush=True)\n'
        + "try:\n"
        + body
        + '\n    print(json.dumps({"result": "returned"}), flush=True)\n'
        + "except KeyboardInterrupt:\n"
        + '    print(json.dumps({"result": "interrupted", "at": time.monotonic()}), flush=True)\n'
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=DEADLINE)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err[-3000:]
    outcome = json.loads(out.strip().splitlines()[-1])
    assert outcome["result"] == "interrupted", "the call ended before the signal"
    return float(outcome["at"]) - sent


def test_ctrl_c_stops_a_bootstrap() -> None:
    # 3 * 10**7 replicates take about 8 s on one core.
    delay = _interrupt("bf.bootstrap(P['good'], labels, cluster='clip', n_resamples=3 * 10**7)")
    assert delay < MAX_DELAY


def test_ctrl_c_stops_a_paired_comparison() -> None:
    delay = _interrupt(
        "bf.compare(P['good'], P['weaker'], labels, cluster='clip', n_resamples=3 * 10**7)"
    )
    assert delay < MAX_DELAY


def test_ctrl_c_stops_a_grid_search() -> None:
    # 2,000,000 clips on a 5,000 x 5,000 grid: about 6 s on two idle cores.
    delay = _interrupt(
        "bf.grid_search(many, soft, alphas=axis, betas=axis)",
        prepare="""
        rng = np.random.default_rng(0)
        many = rng.dirichlet(np.ones(6), 2_000_000).astype(np.float32)
        soft = np.eye(6)[rng.integers(0, 6, 2_000_000)]
        axis = np.linspace(0, 1, 5000)
        """,
    )
    assert delay < MAX_DELAY


def test_ctrl_c_stops_the_leaderboard() -> None:
    delay = _interrupt("bf.leaderboard(P, labels, cluster='clip', n_resamples=10**7)")
    assert delay < MAX_DELAY

"""What keeps a job training through resizes and requeues: the resize
signal (DL_RESIZE_SIGNAL) noted, the next plan generation awaited at the
same DL_PLAN path, this task found in it, and each event timed from when
it happened to the next completed step."""
import contextlib
import json
import signal
import time

from .plan import Plan, PlanError


class ResizeFlag:
    """Notes when DL_RESIZE_SIGNAL arrives.  Slurm's nodes send it at
    different times (each polls on its own clock), so a rank only asks for
    the switch (wanted()) and all ranks switch at the step where any asked;
    a signal for a generation already running is dropped."""

    def __init__(self, name, plan_path):
        self.path, self.at, self.signum = plan_path, None, None
        if name:
            try:
                self.signum = signal.Signals["SIG" + name.upper().removeprefix("SIG")]
            except KeyError:
                raise PlanError("DL_RESIZE_SIGNAL=%s is no signal" % name)
            signal.signal(self.signum, self._noted)

    @contextlib.contextmanager
    def held(self):
        """The signal waits while the world forms: torch's TCPStore fails
        its connect with "Interrupted system call" instead of retrying.
        (Threads started meanwhile keep it blocked: the main thread takes
        it, where Python runs the handler anyway.)"""
        if self.signum is None:
            yield
            return
        signal.pthread_sigmask(signal.SIG_BLOCK, {self.signum})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {self.signum})

    def _noted(self, signum, frame):
        if self.at is None:
            self.at = time.time()

    def wanted(self, generation):
        """1.0 when a newer plan generation is at DL_PLAN and the signal
        said so, else 0.0."""
        if self.at is None:
            return 0.0
        if file_generation(self.path) > generation:
            return 1.0
        self.at = None
        return 0.0

    def take(self):
        at, self.at = self.at, None
        return at


def file_generation(path):
    try:
        with open(path) as f:
            return int(json.load(f).get("generation", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return -1


def wait_generation(path, after, timeout):
    """The plan at path once its generation is past `after` (Slurm
    rewrites it in place with one rename), or None after timeout s."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            with open(path) as f:
                doc = json.load(f)
            if int(doc.get("generation", 0)) > after:
                return Plan(doc)
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    return None


def find_rank(plan, node, local_rank, chip=None):
    """This task's rank in a new generation: the same node and local rank
    (the rank numbers change, the task does not); None if its node left."""
    for r in plan.ranks:
        if r.get("node_name") == node and r.get("local_rank") == local_rank:
            if chip and r["chip"] != chip:
                raise PlanError("generation %d gives %s/%d a %s, not its %s"
                                % (plan.generation, node, local_rank,
                                   r["chip"], chip))
            return r["rank"]
    return None


class Event:
    """A resize or a requeue: reported by the new world's rank 0 when its
    first step completes."""

    def __init__(self, what, at, reached, resumed):
        self.what, self.at = what, at
        self.lost = max(0, reached - resumed)
        self.resumed = resumed

    def report(self, completed, log):
        now = time.time()
        log("event %s: resumed at step %d, %d step(s) lost, %.2f s from "
            "the event to step %d completed (event at %.3f, step at %.3f)"
            % (self.what, self.resumed, self.lost, now - self.at,
               completed, self.at, now))

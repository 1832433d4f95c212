"""Checks the DAG's retry policy by running its task definition against stand-ins for Airflow.

Airflow is not installed here (the build machine reaches Maven Central, Debian and npm only), so
the few Airflow names the DAG imports are replaced by minimal stand-ins that behave like Airflow's
for this purpose: an operator whose execute() fails the way SparkSubmitHook does ("Cannot
execute: ... Error code is: N."), AirflowException (retried) and AirflowFailException (not
retried). The DAG file itself is imported and its operator is run. Exits non-zero on a failure.

Usage: python3 airflow/tests/retry_policy.py airflow/dags/tenure_daily.py
"""

import importlib.util
import sys
import types


class AirflowException(Exception):
    """Airflow retries a task that raises this (up to its retries)."""


class AirflowFailException(AirflowException):
    """Airflow fails a task that raises this at once, whatever its retries."""


class SparkSubmitOperator:
    """Stand-in: execute() fails like SparkSubmitHook when spark-submit exits non-zero."""

    exit_code = 0

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.task_id = kwargs.get("task_id")
        if DAG.current is not None:
            DAG.current.tasks.append(self)

    def execute(self, context):
        if self.exit_code:
            raise AirflowException(
                f"Cannot execute: spark-submit --class io.tenure.cli.TenureCli ..."
                f" Error code is: {self.exit_code}."
            )
        return None

    def __rshift__(self, other):
        return other


class DAG:
    current = None

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.tasks = []

    def __enter__(self):
        DAG.current = self
        return self

    def __exit__(self, *exc):
        DAG.current = None


def _module(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


def load_dag(path):
    _module("airflow", DAG=DAG)
    _module(
        "airflow.exceptions",
        AirflowException=AirflowException,
        AirflowFailException=AirflowFailException,
    )
    _module("airflow.providers")
    _module("airflow.providers.apache")
    _module("airflow.providers.apache.spark")
    _module("airflow.providers.apache.spark.operators")
    _module("airflow.providers.apache.spark.operators.spark_submit", SparkSubmitOperator=SparkSubmitOperator)
    _module("airflow.sensors")
    _module("airflow.sensors.python", PythonSensor=SparkSubmitOperator)
    spec = importlib.util.spec_from_file_location("tenure_daily", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def outcome(task, code):
    """What Airflow would do with the task when spark-submit exits with code."""
    SparkSubmitOperator.exit_code = code
    try:
        task.execute({})
    except AirflowFailException:
        return "failed, no retry"
    except AirflowException:
        return "retried"
    return "success"


def main(path):
    dag_module = load_dag(path)
    dag = dag_module.dag
    run = next(t for t in dag.tasks if t.task_id == "tenure_run")
    expected = {0: "success", 1: "retried", 2: "failed, no retry", 3: "failed, no retry", 137: "retried"}
    problems = []
    for code, want in expected.items():
        got = outcome(run, code)
        if got != want:
            problems.append(f"exit {code}: {got}, expected {want}")
    if dag.kwargs.get("catchup") is not False:
        problems.append("catchup must be False: a backfill is a deliberate command")
    if dag.kwargs["default_args"].get("retries", 0) < 1:
        problems.append("exit 1 must still be retried")
    sizing = {"driver_memory", "executor_memory", "executor_cores", "num_executors"}
    if not sizing <= set(run.kwargs):
        problems.append("the operator must pass driver and executor sizing")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print("retry policy ok: " + ", ".join(f"exit {c} {w}" for c, w in expected.items()))


if __name__ == "__main__":
    main(sys.argv[1])

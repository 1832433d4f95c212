"""Tenure, daily: churn and retention tables for each logical date.

One Spark job per logical date ``ds``, submitted with spark-submit through the Spark connection
``tenure_spark`` (host = the master, e.g. ``spark://spark-master:7077``, ``yarn`` or
``k8s://https://...``; extras such as ``deploy-mode`` and ``spark-binary`` as the provider
documents). The command Tenure runs is ``TENURE_ARGS`` below; Tenure's own test suite reads that
list from this file's syntax tree and runs the CLI with it, so the DAG and the CLI cannot drift.

Airflow Variables (no secrets in this file):
  tenure_jar            path or URL of tenure-jobs.jar that the Spark cluster can read
  tenure_conf           path of the HOCON configuration on the machine that runs spark-submit
  tenure_input_markers  optional JSON list of files that must exist before the run, templated with
                        the logical date, e.g. ["/lake/transactions/date={{ ds }}/_SUCCESS"];
                        empty or unset = no check

Executor and driver sizing are the operator's arguments below (SPARK_RESOURCES); Spark settings
that are not sizing go in the configuration's spark.conf block or the operator's conf.

Exit codes of Tenure: 0 ok, 1 the run failed (retried: Spark or storage trouble may pass), 2
configuration error, 3 invalid input data. Exit 2 and 3 fail the task at once, without retries: a
retry cannot fix them (fix the configuration or the data, then clear the task). This needs the
driver's exit code, which spark-submit returns in client mode (the default here) and on
Kubernetes; in YARN cluster mode spark-submit only reports that the application failed, and such
failures are retried like exit 1. A re-run (retry, backfill, "clear") of a date replaces exactly
that date's outputs.

Scheduling: the DAG starts at START_DATE without catch-up (CATCHUP = False), so enabling it runs
the latest date only. History is filled deliberately with ``airflow dags backfill -s <first>
-e <last> tenure_daily`` (docs/airflow.md, "Backfills").
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import re

from airflow.exceptions import AirflowException, AirflowFailException
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

try:  # Airflow 3
    from airflow.providers.standard.sensors.python import PythonSensor
    from airflow.sdk import DAG
except ImportError:  # Airflow 2.10
    from airflow import DAG
    from airflow.sensors.python import PythonSensor

TENURE_MAIN_CLASS = "io.tenure.cli.TenureCli"

# The exact command line Tenure receives. --as-of is the logical date: every run computes the
# tables "as of" the end of that day, so backfills reproduce what a run on that day would show.
# Daily runs are incremental (they read the input partitions that can have changed since the
# previous day's run, the rest from its state; the tables equal a full run's); backfills read
# everything (--full), whatever state exists. docs/airflow.md, "Daily runs, backfills, rebuilds".
TENURE_ARGS = [
    "run",
    "--conf",
    "{{ var.value.tenure_conf }}",
    "--as-of",
    "{{ ds }}",
    "{{ '--full' if dag_run.run_type == 'backfill' else '--incremental' }}",
]

# First logical date, and whether enabling the DAG queues every date since then. Off: a backfill
# is a deliberate command, not a side effect of unpausing.
START_DATE = datetime(2024, 1, 1)
CATCHUP = False

# Driver and executor sizing, passed to spark-submit by the operator (the connection's extras do
# not carry them). Adjust to the cluster; docs/operations.md has figures per data size.
SPARK_RESOURCES = {
    "driver_memory": "4g",
    "executor_memory": "8g",
    "executor_cores": 4,
    "num_executors": 4,
}

# Tenure's exit codes that a retry cannot fix.
NO_RETRY_EXIT_CODES = {2: "configuration error", 3: "invalid input data"}


def exit_code(error: BaseException):
    """The exit code spark-submit reported in SparkSubmitHook's error ("... Error code is: 3."),
    or None when it names none."""
    found = re.search(r"[Ee]rror code is:? *(-?\d+)", str(error))
    return int(found.group(1)) if found else None


class TenureSubmitOperator(SparkSubmitOperator):
    """spark-submit of Tenure; exit codes 2 and 3 fail the task without retries."""

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowException as error:
            code = exit_code(error)
            if code in NO_RETRY_EXIT_CODES:
                raise AirflowFailException(
                    f"Tenure exited with {code} ({NO_RETRY_EXIT_CODES[code]}): a retry cannot"
                    " fix it. Read the task log for the key, table, column or file it names, fix"
                    " it, then clear the task."
                ) from error
            raise


def _inputs_complete(**context) -> bool:
    """True when every marker file of the logical date exists (local or mounted paths).

    The Variable is read when the task runs, not when the scheduler parses this file.
    """
    try:  # Airflow 3
        from airflow.sdk import Variable
    except ImportError:  # Airflow 2.10
        from airflow.models import Variable

    markers = Variable.get("tenure_input_markers", default_var=[], deserialize_json=True)
    task = context["task"]
    return all(os.path.exists(task.render_template(marker, context)) for marker in markers)


with DAG(
    dag_id="tenure_daily",
    description="Tenure churn and retention tables for the logical date",
    schedule="@daily",
    start_date=START_DATE,
    catchup=CATCHUP,
    max_active_runs=1,
    default_args={
        "owner": "data-engineering",
        "retries": 3,
        "retry_delay": timedelta(minutes=10),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(hours=2),
        "execution_timeout": timedelta(hours=3),
    },
    tags=["tenure", "churn", "spark"],
) as dag:
    inputs_complete = PythonSensor(
        task_id="inputs_complete",
        python_callable=_inputs_complete,
        mode="reschedule",
        poke_interval=timedelta(minutes=10).total_seconds(),
        timeout=timedelta(hours=12).total_seconds(),
        retries=0,
    )

    tenure_run = TenureSubmitOperator(
        task_id="tenure_run",
        conn_id="tenure_spark",
        application="{{ var.value.tenure_jar }}",
        java_class=TENURE_MAIN_CLASS,
        application_args=TENURE_ARGS,
        name="tenure-{{ ds }}",
        # Spark 3.5's launcher adds the --add-opens flags Java 17 needs, on the driver and the
        # executors; nothing to pass here (docs/operations.md, "Java 17").
        conf={"spark.sql.adaptive.enabled": "true"},
        properties_file=None,
        verbose=False,
        **SPARK_RESOURCES,
    )

    inputs_complete >> tenure_run

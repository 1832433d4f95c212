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

Executor sizing belongs in the Spark connection's extras or in the configuration's spark.conf
block (docs/operations.md).

Exit codes of Tenure: 0 ok, 1 the run failed (retried), 2 configuration error, 3 invalid input
data. A re-run (retry, backfill, "clear") of a date replaces exactly that date's outputs.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sensors.python import PythonSensor

TENURE_MAIN_CLASS = "io.tenure.cli.TenureCli"

# The exact command line Tenure receives. --as-of is the logical date: every run computes the
# tables "as of" the end of that day, so backfills reproduce what a run on that day would show.
TENURE_ARGS = [
    "run",
    "--conf",
    "{{ var.value.tenure_conf }}",
    "--as-of",
    "{{ ds }}",
]

# Java 17 flags Spark 3.5 needs on the driver and the executors.
JAVA_17_OPENS = " ".join(
    "--add-opens=java.base/" + package + "=ALL-UNNAMED"
    for package in (
        "java.lang",
        "java.lang.invoke",
        "java.lang.reflect",
        "java.io",
        "java.net",
        "java.nio",
        "java.util",
        "java.util.concurrent",
        "java.util.concurrent.atomic",
        "sun.nio.ch",
        "sun.nio.cs",
        "sun.security.action",
        "sun.util.calendar",
    )
)


def _inputs_complete(**context) -> bool:
    """True when every marker file of the logical date exists (local or mounted paths).

    The Variable is read when the task runs, not when the scheduler parses this file.
    """
    from airflow.models import Variable

    markers = Variable.get("tenure_input_markers", default_var=[], deserialize_json=True)
    task = context["task"]
    return all(os.path.exists(task.render_template(marker, context)) for marker in markers)


with DAG(
    dag_id="tenure_daily",
    description="Tenure churn and retention tables for the logical date",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=True,
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

    tenure_run = SparkSubmitOperator(
        task_id="tenure_run",
        conn_id="tenure_spark",
        application="{{ var.value.tenure_jar }}",
        java_class=TENURE_MAIN_CLASS,
        application_args=TENURE_ARGS,
        name="tenure-{{ ds }}",
        conf={
            "spark.driver.extraJavaOptions": JAVA_17_OPENS,
            "spark.executor.extraJavaOptions": JAVA_17_OPENS,
            "spark.sql.adaptive.enabled": "true",
        },
        properties_file=None,
        verbose=False,
    )

    inputs_complete >> tenure_run

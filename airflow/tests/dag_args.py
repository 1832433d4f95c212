"""Prints, as JSON, what the Tenure DAG passes to spark-submit, read from the DAG's syntax tree.

Airflow is not needed (nor imported): the file is parsed, not executed. Tenure's Java test suite
(AirflowDagTest) runs the CLI with exactly these arguments.

Usage: python3 airflow/tests/dag_args.py airflow/dags/tenure_daily.py
"""

import ast
import json
import sys


def _module_constants(tree: ast.Module) -> dict:
    """Module-level NAME = <literal> assignments."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    out[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    return out


def _value(node: ast.AST, constants: dict):
    if isinstance(node, ast.Name):
        if node.id not in constants:
            raise SystemExit(f"{node.id} is not a module-level literal in the DAG file")
        return constants[node.id]
    return ast.literal_eval(node)


def spark_submit_calls(path: str) -> list:
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    constants = _module_constants(tree)
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", None))
        if name not in ("SparkSubmitOperator", "TenureSubmitOperator"):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        calls.append(
            {
                "task_id": _value(keywords["task_id"], constants),
                "java_class": _value(keywords["java_class"], constants),
                "application_args": _value(keywords["application_args"], constants),
            }
        )
    return calls


if __name__ == "__main__":
    found = spark_submit_calls(sys.argv[1])
    if not found:
        raise SystemExit("no spark-submit operator in " + sys.argv[1])
    print(json.dumps(found))

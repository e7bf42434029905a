"""Parses OpenMetrics text (the file named by argv[1]) with prometheus_client's strict parser
and prints its families as JSON: {name: {"type", "unit", "samples": [[name, labels, value]]}}.
Exits 2 when prometheus_client is missing."""
import json
import sys

try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
except ImportError:
    print("prometheus_client is not installed (pip install prometheus_client)")
    sys.exit(2)

with open(sys.argv[1], encoding="utf-8") as f:
    text = f.read()
families = {}
for family in text_string_to_metric_families(text):
    families[family.name] = {
        "type": family.type,
        "unit": family.unit,
        "samples": [[s.name, s.labels, s.value] for s in family.samples],
    }
print(json.dumps(families))

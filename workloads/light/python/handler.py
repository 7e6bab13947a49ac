# light workload: one DynamoDB BatchWriteItem of 5 items (each with a TTL attribute), then one
# strongly consistent BatchGetItem of the same keys; UnprocessedItems / UnprocessedKeys are
# retried with exponential backoff. Keys include the request id, so parallel samples never
# collide. The table (env LIGHT_TABLE_NAME) has the string partition key `pk` and TTL on
# `expires_at`. Uses the boto3 that Lambda's Python runtimes ship. Returns the number of items
# read back intact, as the checksum ("5").
import os
import time

import boto3

from workload_result import workload_result

ITEMS = 5
TTL_SECONDS = 3600
MAX_ATTEMPTS = 8
BASE_DELAY_S = 0.025
MAX_DELAY_S = 1.0

# Created at init, as a real function would: its cost is part of the cold start.
client = boto3.client("dynamodb")


def until_processed(what, pending, call):
    """Runs call(pending) until nothing is left unprocessed; backs off 25, 50, 100... ms (max 1 s)."""
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            time.sleep(min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (attempt - 1)))
        pending = call(pending)
        if not pending:
            return
    raise RuntimeError("%s: still unprocessed after %d attempts" % (what, MAX_ATTEMPTS))


def handler(event, context):
    table = os.environ.get("LIGHT_TABLE_NAME")
    if not table:
        raise RuntimeError("LIGHT_TABLE_NAME is not set")
    expires_at = str(int(time.time()) + TTL_SECONDS)
    items = [
        {"pk": {"S": "%s#%d" % (context.aws_request_id, i)}, "payload": {"S": "light item %d of %d" % (i, ITEMS)}, "expires_at": {"N": expires_at}}
        for i in range(ITEMS)
    ]

    until_processed("BatchWriteItem", {table: [{"PutRequest": {"Item": item}} for item in items]},
                    lambda request: client.batch_write_item(RequestItems=request).get("UnprocessedItems"))

    read = []

    def get(request):
        answer = client.batch_get_item(RequestItems=request)
        read.extend(answer.get("Responses", {}).get(table, []))
        return answer.get("UnprocessedKeys")

    until_processed("BatchGetItem", {table: {"Keys": [{"pk": item["pk"]} for item in items], "ConsistentRead": True}}, get)

    intact = sum(1 for item in items if item in read)
    if intact != ITEMS:
        raise RuntimeError("read back %d of %d items intact (%d returned)" % (intact, ITEMS, len(read)))
    return workload_result("light", str(intact))

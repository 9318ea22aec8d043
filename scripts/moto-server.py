"""moto's server, with DynamoDB's atomicity restored.

AWS applies every DynamoDB write, and every transaction, atomically: of two conditional writes
on one item, one sees the other's result. moto's threaded server does not serialise them, so
both can pass their condition (two charges on one idempotency key, say). One lock around the
DynamoDB backend's operations gives moto AWS's behaviour; SQS is untouched, so long polls
still wait concurrently.

Usage: python scripts/moto-server.py -H 127.0.0.1 -p PORT
"""

import functools
import threading

from moto import server
from moto.dynamodb.models import DynamoDBBackend

_LOCK = threading.RLock()
_OPERATIONS = (
    "put_item",
    "update_item",
    "delete_item",
    "get_item",
    "query",
    "scan",
    "transact_write_items",
    "transact_get_items",
    "batch_write_item",
    "batch_get_item",
)


def _serialised(operation):
    @functools.wraps(operation)
    def locked(*args, **kwargs):
        with _LOCK:
            return operation(*args, **kwargs)

    return locked


for _name in _OPERATIONS:
    if hasattr(DynamoDBBackend, _name):
        setattr(DynamoDBBackend, _name, _serialised(getattr(DynamoDBBackend, _name)))

if __name__ == "__main__":
    server.main()

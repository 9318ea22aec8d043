"""moto's server, with DynamoDB's atomicity restored and IAM checked per resource.

AWS applies every DynamoDB write, and every transaction, atomically: of two conditional writes
on one item, one sees the other's result. moto's threaded server does not serialise them, so
both can pass their condition (two charges on one idempotency key, say). One lock around the
DynamoDB backend's operations gives moto AWS's behaviour; SQS is untouched, so long polls
still wait concurrently.

Once authentication is switched on (POST /moto-api/reset-auth with 0, as
scripts/iam-setup.py does), moto checks each request against the caller's IAM policies, but it
checks DynamoDB requests against the resource "*" and SQS requests for a queue that does not
exist yet (CreateQueue) against "*" too, so a policy scoped to table or queue ARNs would be
refused. These patches give each request the resources AWS authorizes it against: the table
(and index) ARN, every table of a batch, and for a transaction each item's own action
(PutItem, UpdateItem, DeleteItem, ConditionCheckItem) on its table, as AWS does; SQS's batch
actions are authorized as the single ones (SendMessageBatch needs sqs:SendMessage).

moto also skips the conditions of identity policies. DynamoDB's fine-grained access keys are
evaluated here, as AWS does: `dynamodb:Attributes` (the projected attribute names, or a written
item's names) and `dynamodb:Select` (`SPECIFIC_ATTRIBUTES` with a projection, else the request's
`Select` or `ALL_ATTRIBUTES`), with the operators the template uses. A statement whose
conditions fail does not apply (it does not deny). Any other condition operator stops the
server rather than pass unchecked.

Usage: python scripts/moto-server.py -H 127.0.0.1 -p PORT
"""

import functools
import json
import threading

from moto import server
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.responses import DynamoHandler
from moto.iam.access_control import IAMPolicyStatement, IAMRequest, PermissionResult
from moto.sqs.responses import SQSResponse

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



def _request_for(action):
    """An IAM request that asks for `action` rather than the HTTP request's own."""

    class _ItemRequest(IAMRequest):
        def __init__(self, **kwargs):
            kwargs["action"] = action
            super().__init__(**kwargs)

    return _ItemRequest


_TRANSACT_WRITE_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


_CONDITION_CONTEXT = threading.local()


def _condition_context(part):
    """The fine-grained access keys of one request (or transaction part)."""
    projection = part.get("ProjectionExpression")
    if projection is not None:
        names = part.get("ExpressionAttributeNames", {})
        attributes = [names.get(a.strip(), a.strip()) for a in projection.split(",")]
        return {"dynamodb:Attributes": attributes, "dynamodb:Select": "SPECIFIC_ATTRIBUTES"}
    if "Item" in part:
        return {"dynamodb:Attributes": list(part["Item"])}
    return {"dynamodb:Select": part.get("Select", "ALL_ATTRIBUTES")}


def _condition_holds(operator, key, expected, context):
    expected = expected if isinstance(expected, list) else [expected]
    if operator == "ForAllValues:StringEquals":
        return all(value in expected for value in context.get(key, []))
    if operator == "StringEqualsIfExists":
        return key not in context or context[key] in expected
    if operator == "StringEquals":
        return key in context and context[key] in expected
    raise SystemExit(f"moto-server.py does not evaluate the IAM condition operator {operator}")


_statement_permits = IAMPolicyStatement.is_action_permitted


def _statement_permits_with_conditions(self, action, resource="*", principal=None, incoming=None):
    conditions = self._statement.get("Condition")
    if not conditions or not action.startswith("dynamodb:"):
        return _statement_permits(self, action, resource, principal, incoming)
    context = getattr(_CONDITION_CONTEXT, "values", {})
    if not all(
        _condition_holds(operator, key, expected, context)
        for operator, pairs in conditions.items()
        for key, expected in pairs.items()
    ):
        return PermissionResult.NEUTRAL
    unconditional = IAMPolicyStatement({k: v for k, v in self._statement.items() if k != "Condition"})
    return _statement_permits(unconditional, action, resource, principal, incoming)


IAMPolicyStatement.is_action_permitted = _statement_permits_with_conditions


def _dynamodb_checks(handler):
    """(action, resource ARN, condition keys) for each authorization AWS makes."""

    def arn(table):
        return f"arn:aws:dynamodb:{handler.region}:{handler.current_account}:table/{table}"

    action = handler._get_action()
    body = handler.body or {}
    if isinstance(body, (str, bytes)):
        body = json.loads(body)
    if action == "TransactWriteItems":
        return [
            (_TRANSACT_WRITE_ACTIONS[kind], arn(part["TableName"]), _condition_context(part))
            for item in body.get("TransactItems", [])
            for kind, part in item.items()
        ]
    if action == "TransactGetItems":
        return [
            ("GetItem", arn(item["Get"]["TableName"]), _condition_context(item["Get"]))
            for item in body.get("TransactItems", [])
        ]
    if action in ("BatchGetItem", "BatchWriteItem"):
        return [
            (action, arn(table), _condition_context(part if action == "BatchGetItem" else {}))
            for table, part in body.get("RequestItems", {}).items()
        ]
    table = body.get("TableName")
    if table is None:
        return [(action, "*", {})]
    index = body.get("IndexName")
    return [(action, arn(table) + (f"/index/{index}" if index else ""), _condition_context(body))]


def _authorize_dynamodb(self, resource="*"):
    for action, arn, context in _dynamodb_checks(self):
        _CONDITION_CONTEXT.values = context
        try:
            self._authenticate_and_authorize_action(_request_for(action), arn)
        finally:
            _CONDITION_CONTEXT.values = {}


def _sqs_resource(self):
    # CreateQueue and GetQueueUrl name the queue; the others carry its URL.
    name = self._get_param("QueueName") or self._get_queue_name()
    return f"arn:aws:sqs:{self.region}:{self.current_account}:{name}"


# AWS authorizes SQS's batch actions as the single ones (a policy grants sqs:SendMessage,
# there is no sqs:SendMessageBatch); moto asks for the batch action's own name.
_SQS_BATCH_ACTIONS = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}


def _authorize_sqs(self, resource="*"):
    action = self._get_action()
    self._authenticate_and_authorize_action(
        _request_for(_SQS_BATCH_ACTIONS.get(action, action)), resource
    )


DynamoHandler._authenticate_and_authorize_normal_action = _authorize_dynamodb
SQSResponse._determine_resource = _sqs_resource
SQSResponse._authenticate_and_authorize_normal_action = _authorize_sqs

if __name__ == "__main__":
    server.main()

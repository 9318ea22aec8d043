"""Gives each function of template.yaml an IAM user on the AWS emulator with exactly that
function's policy, resolved for the emulator's tables and queues, then switches the emulator's
IAM checks on. The AWS tests in local/tests/iam_on_aws.rs then run each function's requests
with its own credentials, so a permission missing from the template fails a test.

The tables are named `<prefix>-users` and so on (AwsSettings::with_prefix), the queues
`<prefix>-<session>`; `${QueuePrefix}-${Stage}` in the template stands for that prefix.
An `operator` user may do anything: the tests seed and reset the tables with it.

Usage: python scripts/iam-setup.py --endpoint URL --prefix iam-test --out credentials.json
"""

import argparse
import json
import re
import sys
import urllib.request

import boto3
from cfnlint.decode.cfn_yaml import loads

REGION = "us-east-1"
ACCOUNT = "123456789012"


def resolve(value, tables, queue_prefix):
    """The template's intrinsic functions, as they resolve on the emulator."""
    if isinstance(value, list):
        return [resolve(v, tables, queue_prefix) for v in value]
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and list(value) == ["Fn::GetAtt"]:
        logical, attribute = value["Fn::GetAtt"]
        if attribute != "Arn" or logical not in tables:
            sys.exit(f"cannot resolve GetAtt {logical}.{attribute}")
        return tables[logical]
    if isinstance(value, dict) and list(value) == ["Fn::Sub"]:
        text = value["Fn::Sub"]
        text = text.replace("${QueuePrefix}-${Stage}", queue_prefix)
        # The WebSocket API's id and stage: moto does not check execute-api calls.
        text = text.replace("${LiveApi}", "liveapi").replace("${Stage}", "test")
        text = text.replace("${AWS::Partition}", "aws").replace("${AWS::Region}", REGION)
        text = text.replace("${AWS::AccountId}", ACCOUNT)
        text = re.sub(r"\$\{(\w+)\.Arn\}", lambda m: tables[m.group(1)], text)
        if "${" in text:
            sys.exit(f"cannot resolve Sub {value['Fn::Sub']}")
        return text
    sys.exit(f"cannot resolve {value!r} in a policy")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--template", default="template.yaml")
    args = parser.parse_args()

    template = loads(open(args.template).read())
    resources = template["Resources"]
    tables = {
        name: f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{args.prefix}-{name[: -len('Table')].lower()}"
        for name, resource in resources.items()
        if resource["Type"] == "AWS::DynamoDB::Table"
    }
    # The attachments bucket is `<prefix>-attachments`, as AwsSettings::with_prefix names it.
    tables.update({
        name: f"arn:aws:s3:::{args.prefix}-" + name[: -len("Bucket")].lower()
        for name, resource in resources.items()
        if resource["Type"] == "AWS::S3::Bucket"
    })
    # Queues the template makes are `<prefix>-<name in kebab case>`: FanOutQueue is
    # `<prefix>-fan-out`, as chat_core::aws::provision::create_fan_out_queue makes it.
    tables.update({
        name: f"arn:aws:sqs:{REGION}:{ACCOUNT}:{args.prefix}-"
        + re.sub(r"(?<!^)(?=[A-Z])", "-", name[: -len("Queue")]).lower()
        for name, resource in resources.items()
        if resource["Type"] == "AWS::SQS::Queue"
    })
    iam = boto3.client(
        "iam",
        endpoint_url=args.endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )

    def user_with_policy(name, statements):
        iam.create_user(UserName=name)
        iam.put_user_policy(
            UserName=name,
            PolicyName=f"{name}-policy",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
        )
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}

    functions = {}
    for logical, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        binary = resource["Metadata"]["BuildProperties"]["Binary"]
        statements = []
        for policy in resource["Properties"].get("Policies", []):
            if list(policy) != ["Statement"]:
                sys.exit(f"{logical}: only inline Statement policies are resolved here")
            for statement in policy["Statement"]:
                statement = dict(statement)
                statement["Resource"] = resolve(statement["Resource"], tables, args.prefix)
                statements.append(statement)
        functions[binary] = user_with_policy(f"fn-{binary}", statements)
        print(f"{binary}: {len(statements)} statements")
    operator = user_with_policy("operator", [{"Effect": "Allow", "Action": "*", "Resource": "*"}])

    with open(args.out, "w") as out:
        json.dump({"prefix": args.prefix, "operator": operator, "functions": functions}, out, indent=2)

    # From here on, every request must be signed by one of these users and allowed.
    request = urllib.request.Request(
        f"{args.endpoint}/moto-api/reset-auth",
        data=b"0",
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    urllib.request.urlopen(request).read()
    print("IAM checks on")


if __name__ == "__main__":
    main()

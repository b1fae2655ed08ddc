#!/usr/bin/env bash
# The runbook's later operations with the aws CLI, after runbook.sh, against $AWS_ENDPOINT_URL:
#   redeploy <prefix> <image>   register a task-definition revision with the new image, update the service, wait stable
#   rollback <prefix>           point the service at the previous revision, wait stable
#   destroy <prefix>            delete the service, then the stacks in reverse order (waiting for each), then the secret
# Prints one line per CLI invocation on fd 3 for counting.
set -euo pipefail
OP=$1; P=$2; E="--endpoint-url $AWS_ENDPOINT_URL --region ap-southeast-2"
aws() { echo call >&3; command aws $E "$@"; }
case "$OP" in
  redeploy)
    IMAGE=$3
    DEF=$(aws ecs describe-task-definition --task-definition "$P" --query taskDefinition --output json)
    CONTAINERS=$(echo "$DEF" | python3 -c "import json,sys; d=json.load(sys.stdin); c=d['containerDefinitions']; c[0]['image']='$IMAGE'; print(json.dumps(c))")
    EXEC=$(echo "$DEF" | python3 -c "import json,sys; print(json.load(sys.stdin).get('executionRoleArn',''))")
    TD=$(aws ecs register-task-definition --family "$P" --network-mode awsvpc --requires-compatibilities FARGATE --cpu 512 --memory 1024 \
      --execution-role-arn "$EXEC" --container-definitions "$CONTAINERS" --query taskDefinition.taskDefinitionArn --output text)
    aws ecs update-service --cluster "$P" --service shop-api --task-definition "$TD" >/dev/null
    aws ecs wait services-stable --cluster "$P" --services shop-api ;;
  rollback)
    PREV=$(aws ecs list-task-definitions --family-prefix "$P" --sort DESC --query 'taskDefinitionArns[1]' --output text)
    aws ecs update-service --cluster "$P" --service shop-api --task-definition "$PREV" >/dev/null
    aws ecs wait services-stable --cluster "$P" --services shop-api ;;
  destroy)
    aws ecs update-service --cluster "$P" --service shop-api --desired-count 0 >/dev/null
    aws ecs delete-service --cluster "$P" --service shop-api --force >/dev/null
    for s in service registry cluster database security network; do
      # moto leaks the route tables of a deleted stack, so deleting the VPC fails with DependencyViolation there.
      aws cloudformation delete-stack --stack-name "$P-$s" || [ "$s" = network ]
      aws cloudformation wait stack-delete-complete --stack-name "$P-$s" || true
    done
    aws secretsmanager delete-secret --secret-id "slipway/$P/db" --force-delete-without-recovery >/dev/null ;;
  *) echo "usage: $0 redeploy|rollback|destroy <prefix> [image]" >&2; exit 2 ;;
esac

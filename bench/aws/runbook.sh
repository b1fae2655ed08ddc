#!/usr/bin/env bash
# The runbook's AWS steps (seeds/000, phase 1 + 4) with the aws CLI, against $AWS_ENDPOINT_URL.
# Templates: slipway's synthesized ones (same layers as the runbook's vpc/security-groups/rds/
# ecs-cluster yaml). Prints one line per CLI invocation on fd 3 for counting.
set -euo pipefail
T=$1; P=$2; E="--endpoint-url $AWS_ENDPOINT_URL --region ap-southeast-2"
aws() { echo call >&3; command aws $E "$@"; }
# `cloudformation deploy` creates new stacks through a change set, which on moto yields no
# Outputs; create-stack + wait is the equivalent that moto serves.
deploy() { local name=$1 file=$2; shift 2; local ps=(); for kv in "$@"; do ps+=("ParameterKey=${kv%%=*},ParameterValue=${kv#*=}"); done
  aws cloudformation create-stack --stack-name "$name" --template-body "file://$file" --capabilities CAPABILITY_IAM ${ps:+--parameters "${ps[@]}"} >/dev/null
  aws cloudformation wait stack-create-complete --stack-name "$name"; }
out() { aws cloudformation describe-stacks --stack-name "$1" --query "Stacks[0].Outputs[?OutputKey==\`$2\`].OutputValue" --output text; }
aws sts get-caller-identity >/dev/null
deploy "$P-network" "$T/$P-network.yaml"
VPC=$(out "$P-network" VpcId)
aws ec2 modify-vpc-attribute --vpc-id "$VPC" --enable-dns-hostnames '{"Value":true}'
deploy "$P-security" "$T/$P-security.yaml" VpcId="$VPC" >/dev/null
aws rds describe-db-engine-versions --engine postgres --query 'DBEngineVersions[?contains(EngineVersion, `15`)].EngineVersion' --output text >/dev/null 2>&1 || true
SECRET_ARN=$(aws secretsmanager create-secret --name "slipway/$P/db" --secret-string '{"username":"shop_admin","password":"Bench2024Secure"}' --query ARN --output text)
deploy "$P-database" "$T/$P-database.yaml" \
  PublicSubnet1Id="$(out "$P-network" PublicSubnet1Id)" PublicSubnet2Id="$(out "$P-network" PublicSubnet2Id)" \
  DbSecurityGroupId="$(out "$P-security" DbSecurityGroupId)" DbSecretArn="$SECRET_ARN" EngineVersion=15.14 >/dev/null
aws rds describe-db-instances --query 'DBInstances[0].{Status:DBInstanceStatus,Endpoint:Endpoint.Address}' --output json >/dev/null
deploy "$P-cluster" "$T/$P-cluster.yaml" >/dev/null
deploy "$P-registry" "$T/$P-registry.yaml" >/dev/null
deploy "$P-service" "$T/$P-service.yaml" >/dev/null
EXEC=$(out "$P-service" ExecutionRoleArn)
DBHOST=$(out "$P-database" DbEndpointAddress)
TD=$(aws ecs register-task-definition --family "$P" --network-mode awsvpc --requires-compatibilities FARGATE --cpu 512 --memory 1024 \
  --execution-role-arn "$EXEC" --container-definitions "[{\"name\":\"app\",\"image\":\"public.ecr.aws/docker/library/node@sha256:$(printf '1%.0s' {1..64})\",\"memory\":1024,\"essential\":true,\"portMappings\":[{\"containerPort\":3000}],\"environment\":[{\"name\":\"DB_HOST\",\"value\":\"$DBHOST\"},{\"name\":\"DB_USER\",\"value\":\"shop_admin\"}],\"secrets\":[{\"name\":\"DB_PASSWORD\",\"valueFrom\":\"$SECRET_ARN:password::\"}]}]" \
  --query taskDefinition.taskDefinitionArn --output text)
aws ecs create-service --cluster "$(out "$P-cluster" ClusterName)" --service-name shop-api --task-definition "$TD" --desired-count 1 --launch-type FARGATE \
  --network-configuration "awsvpcConfiguration={subnets=[$(out "$P-network" PublicSubnet1Id)],securityGroups=[$(out "$P-security" AppSecurityGroupId)],assignPublicIp=ENABLED}" >/dev/null
aws ecs wait services-stable --cluster "$P" --services shop-api
aws ecs describe-services --cluster "$P" --services shop-api --query 'services[0].deployments' >/dev/null

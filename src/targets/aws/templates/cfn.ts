/**
 * CloudFormation as typed data. Intrinsics use the long JSON form (`Fn::GetAtt: [R, A]`,
 * `Fn::Sub`), which every CloudFormation implementation reads the same way; the short
 * YAML tags and dotted `!GetAtt R.A` forms are avoided (moto misreads some of them).
 */
export type CfnValue = string | number | boolean | CfnValue[] | { [k: string]: CfnValue } | Intrinsic;
export type Intrinsic = { Ref: string } | { 'Fn::GetAtt': [string, string] } | { 'Fn::Sub': string } | { 'Fn::If': [string, CfnValue, CfnValue] };

export interface CfnResource {
  Type: string;
  Properties: Record<string, CfnValue>;
  DependsOn?: string | string[];
  DeletionPolicy?: 'Delete' | 'Retain' | 'Snapshot';
  UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
  Condition?: string;
}

export interface CfnParameter {
  Type: 'String' | 'Number' | 'AWS::EC2::VPC::Id' | 'AWS::EC2::Subnet::Id' | 'AWS::EC2::SecurityGroup::Id' | 'List<AWS::EC2::Subnet::Id>';
  Description: string;
  Default?: string;
  AllowedPattern?: string;
}

export interface CfnOutput {
  Description: string;
  Value: CfnValue;
}

export interface Template {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Parameters?: Record<string, CfnParameter>;
  Conditions?: Record<string, CfnValue>;
  Resources: Record<string, CfnResource>;
  Outputs: Record<string, CfnOutput>;
}

export const ref = (name: string): Intrinsic => ({ Ref: name });
export const getAtt = (resource: string, attr: string): Intrinsic => ({ 'Fn::GetAtt': [resource, attr] });
export const sub = (text: string): Intrinsic => ({ 'Fn::Sub': text });

/** Tags for resources that do not inherit stack tags. */
export function nameTag(name: string): { Key: string; Value: CfnValue }[] {
  return [{ Key: 'Name', Value: name }];
}

/** What every template builder receives: names and sizes resolved from the config. */
export interface TemplateInput {
  /** `<app>-<env>`, the prefix of every physical name. */
  prefix: string;
  app: string;
  env: string;
  production: boolean;
  appPort: number;
  healthPath: string;
  availabilityZones: [string, string];
  allowedCidrs: string[];
  alb: { certificateArn?: string } | undefined;
  db: { name: string; user: string; instanceClass: string; storageGb: number; multiAz: boolean } | undefined;
  logRetentionDays: number;
  keepImages: number;
  autoscaling: { min: number; max: number; cpuTarget: number } | undefined;
}

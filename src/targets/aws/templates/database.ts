/**
 * Layer 3 (runbook 1.3): RDS PostgreSQL. Single-AZ unless configured, never public,
 * encrypted, `Port: '5432'` spelled out. The master password never appears here: it is a
 * dynamic reference to the Secrets Manager secret slipway generated (pitfall 4 and 8).
 * Production: deletion protection and a snapshot on delete or replacement.
 */
import { getAtt, ref, sub, type Template, type TemplateInput } from './cfn.js';

export function databaseTemplate(input: TemplateInput): Template {
  const db = input.db;
  if (!db) throw new Error('databaseTemplate: no database configured');
  const keep = input.production ? 'Snapshot' : 'Delete';
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `slipway ${input.prefix}: RDS PostgreSQL`,
    Parameters: {
      PublicSubnet1Id: { Type: 'AWS::EC2::Subnet::Id', Description: 'From the network stack' },
      PublicSubnet2Id: { Type: 'AWS::EC2::Subnet::Id', Description: 'From the network stack' },
      DbSecurityGroupId: { Type: 'AWS::EC2::SecurityGroup::Id', Description: 'From the security stack' },
      DbSecretArn: { Type: 'String', Description: 'ARN of the Secrets Manager secret holding the master password (never the value)', AllowedPattern: '^arn:aws[a-z-]*:secretsmanager:.+' },
      EngineVersion: { Type: 'String', Description: 'PostgreSQL version offered in this region (resolved by slipway)', AllowedPattern: '^\\d+(\\.\\d+)?$' },
    },
    Resources: {
      DbSubnetGroup: {
        Type: 'AWS::RDS::DBSubnetGroup',
        Properties: {
          DBSubnetGroupDescription: `${input.prefix} database subnets (two AZs)`,
          SubnetIds: [ref('PublicSubnet1Id'), ref('PublicSubnet2Id')],
        },
      },
      Database: {
        Type: 'AWS::RDS::DBInstance',
        DeletionPolicy: keep,
        UpdateReplacePolicy: keep,
        Properties: {
          Engine: 'postgres',
          EngineVersion: ref('EngineVersion'),
          DBInstanceClass: db.instanceClass,
          AllocatedStorage: String(db.storageGb),
          StorageType: 'gp3',
          StorageEncrypted: true,
          MultiAZ: db.multiAz,
          PubliclyAccessible: false,
          DBName: db.name,
          MasterUsername: db.user,
          MasterUserPassword: sub('{{resolve:secretsmanager:${DbSecretArn}:SecretString:password}}'),
          DBSubnetGroupName: ref('DbSubnetGroup'),
          VPCSecurityGroups: [ref('DbSecurityGroupId')],
          Port: '5432',
          BackupRetentionPeriod: input.production ? 7 : 1,
          DeletionProtection: input.production,
          CopyTagsToSnapshot: true,
          AutoMinorVersionUpgrade: false,
        },
      },
    },
    Outputs: {
      DbInstanceId: { Description: 'DB instance identifier', Value: ref('Database') },
      DbEndpointAddress: { Description: 'DB host name', Value: getAtt('Database', 'Endpoint.Address') },
      DbEndpointPort: { Description: 'DB port', Value: getAtt('Database', 'Endpoint.Port') },
    },
  };
}

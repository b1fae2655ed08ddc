/**
 * Where the app answers: the ALB's DNS name, or (runbook 5.1) a running task → its ENI →
 * the ENI's public IP. When the ENI has only a private address (moto, or a misconfigured
 * subnet) there is no endpoint, and the reason says so.
 */
import type { AwsClients } from './clients.js';
import { sdk } from '../../engine/aws-sdk.js';

export type EndpointResult = { url: string; via: 'alb' | 'task' } | { url?: undefined; reasonKey: string; params: Record<string, string> };

export async function findEndpoint(c: AwsClients, o: { cluster?: string; service: string; port: number; albDns?: string; https: boolean }): Promise<EndpointResult> {
  const { DescribeNetworkInterfacesCommand } = sdk.ec2();
  const { DescribeTasksCommand, ListTasksCommand } = sdk.ecs();
  if (o.albDns) return { url: `${o.https ? 'https' : 'http'}://${o.albDns}`, via: 'alb' };
  if (!o.cluster) return { reasonKey: 'aws.endpoint.notDeployed', params: {} };
  const list = await c.ecs.send(new ListTasksCommand({ cluster: o.cluster, serviceName: o.service, desiredStatus: 'RUNNING' })).catch(() => ({ taskArns: [] as string[] }));
  const arns = list.taskArns ?? [];
  if (!arns.length) return { reasonKey: 'aws.endpoint.noTask', params: { service: o.service } };
  const tasks = (await c.ecs.send(new DescribeTasksCommand({ cluster: o.cluster, tasks: arns }))).tasks ?? [];
  for (const t of tasks) {
    const eni = t.attachments?.flatMap((a) => a.details ?? []).find((d) => d.name === 'networkInterfaceId')?.value;
    if (!eni) continue;
    const r = await c.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] }));
    const ni = r.NetworkInterfaces?.[0];
    const ip = ni?.Association?.PublicIp;
    if (ip) return { url: `http://${ip}:${o.port}`, via: 'task' };
    return { reasonKey: 'aws.endpoint.privateOnly', params: { eni, ip: ni?.PrivateIpAddress ?? '?' } };
  }
  return { reasonKey: 'aws.endpoint.noTask', params: { service: o.service } };
}

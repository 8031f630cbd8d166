import * as z from 'zod';
import { integer, message } from './schema-parts.ts';

const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-[0-9]$/;
const TAG_VALUE = /^[A-Za-z0-9 _.:/=+@-]{1,256}$/;

/**
 * A cluster's remediation: off unless enabled. The planner's policy keys are optional overrides of
 * `defaultRemediationPolicy` (shared/remediate/policy.ts), which documents each default and why.
 */
export const remediationSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .meta({ description: 'Restart failed nodes of this cluster automatically. Default false.' }),
    dryRun: z.boolean().default(false).meta({
      description:
        'Plan and record every action (REMEDIATION_STARTED with dryRun) but call nothing; EC2 is asked with DryRun=true.',
    }),
    executor: z
      .enum(['ec2'], { error: message('expected "ec2" (the local executor is for the test bench)', true) })
      .default('ec2')
      .meta({ description: 'How nodes are restarted: ec2 restarts their EC2 instances.' }),
    method: z
      .enum(['stop-start', 'reboot'], { error: message('expected "stop-start" or "reboot"', true) })
      .default('stop-start')
      .meta({
        description:
          'How a running instance is restarted. stop-start (default) is verifiable: a reboot leaves the instance running with its old status checks.',
      }),
    settleMs: integer(0, 3_600_000).optional().meta({
      description:
        'How long the master must answer 200 before any action, and after a failover. Default 60000.',
    }),
    cooldownMs: integer(0, 7 * 86_400_000)
      .optional()
      .meta({ description: 'No second action on a node within this time. Default 900000 (15 min).' }),
    dailyCap: integer(1, 100)
      .optional()
      .meta({ description: 'The most actions per cluster in any 24 hours. Default 3.' }),
    actionTimeoutMs: integer(10_000, 14 * 60_000)
      .optional()
      .meta({
        description:
          'An action without an outcome by then failed; also its verification deadline. Default 600000 (10 min); at most 14 min (Lambda).',
      }),
    maxSnapshotAgeMs: integer(1000, 3_600_000)
      .optional()
      .meta({ description: 'An older observation does not count as seeing the cluster. Default 120000.' }),
    ec2: z
      .strictObject({
        region: z
          .string()
          .regex(AWS_REGION, { error: message('expected an AWS region like eu-west-1') })
          .optional()
          .meta({ description: "The instances' region. Default: the monitor's own (AWS_REGION)." }),
        clusterTag: z
          .string()
          .regex(TAG_VALUE, {
            error: message('expected a tag value of 1 to 256 letters, digits, spaces or _.:/=+@-'),
          })
          .optional()
          .meta({
            description:
              'Value of the dremio-ha-monitor:cluster tag the instances must carry (with dremio-ha-monitor:managed=true). Default: the cluster name.',
          }),
        serviceUnit: z
          .string()
          .regex(/^[A-Za-z0-9@._:-]{1,256}$/, { error: message('expected a systemd unit name like dremio') })
          .optional()
          .meta({
            description:
              "The Dremio service's systemd unit: when set, verification also asks Systems Manager to run `systemctl is-active <unit>` on the instance. Needs the SSM agent. Default: no such check.",
          }),
      })
      .prefault({})
      .meta({ description: 'Where the EC2 instances are and how they are recognised.' }),
  })
  .meta({ description: 'Guarded automatic restart of failed coordinators (docs/remediation.md).' });

export type RemediationConfig = z.output<typeof remediationSchema>;

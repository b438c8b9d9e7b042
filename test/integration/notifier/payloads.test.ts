import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adaptiveCardProblems } from '../../helpers/adaptive-card';
import { blockKitProblems } from '../../helpers/block-kit';
import { budgetAlert, type NotifierHarness, sessionAlert, startNotifierHarness } from './harness';

describe('notifier: Slack and Teams payloads as the local receivers get them', () => {
  let h: NotifierHarness;

  beforeAll(async () => {
    h = await startNotifierHarness([
      { name: 'slack', type: 'slack' },
      { name: 'teams', type: 'teams' },
    ]);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('Slack: valid Block Kit with what happened, the scope, the figures and a dashboard link at that scope', async () => {
    // Prepare: a tenant name that would be a mention and a link if it were not escaped.
    await h.publish(sessionAlert('s-42', '<!channel> & <https://evil.example|click>'));
    await h.publish(budgetAlert('acme', 100));

    // Act
    await h.drain('slack');

    // Assess
    const [session, budget] = h.receivers.requests(h.pathOf('slack')).map((r) => JSON.parse(r.body));
    expect(h.receivers.requests(h.pathOf('slack'))[0]!.headers['content-type']).toContain('application/json');
    expect(blockKitProblems(session)).toEqual([]);
    expect(blockKitProblems(budget)).toEqual([]);
    expect(session.text).toBe(':warning: Claude spend: session s-42 exceeded $10.00');
    expect(session.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Claude spend: session s-42 exceeded $10.00', emoji: true },
    });
    const fields = session.blocks[2].fields.map((field: { text: string }) => field.text);
    expect(fields).toEqual(
      expect.arrayContaining([
        '*Scope*\nsession s-42',
        '*Value*\n$12.50',
        '*Threshold*\n$10.00',
        '*Severity*\nwarning',
      ]),
    );
    const button = budget.blocks.at(-1).elements[0];
    expect(button.url).toBe('https://monitor.example.com/dashboard/claude-monitoring/?tenant=acme');
    expect(budget.text).toContain(':rotating_light:');
    expect(JSON.stringify(session)).not.toContain('<!channel>');
    expect(JSON.stringify(h.receivers.requests(h.pathOf('slack'))[0]!.body)).not.toContain('<https://evil');
  });

  it('Teams: a Workflows message whose one attachment is a valid Adaptive Card', async () => {
    // Prepare
    await h.publish(budgetAlert('globex', 50));

    // Act
    await h.drain('teams');

    // Assess
    const all = h.receivers.requests(h.pathOf('teams'));
    const request = all.find((r) => r.body.includes('globex'))!;
    const message = JSON.parse(request.body);
    for (const other of all)
      expect(adaptiveCardProblems(JSON.parse(other.body).attachments[0].content)).toEqual([]);
    expect(request.status).toBe(202);
    expect(message.type).toBe('message');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = message.attachments[0].content;
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.body[0]).toMatchObject({
      type: 'TextBlock',
      text: 'Claude spend: tenant globex reached 50% of its monthly budget of $100.00',
    });
    expect(card.body.find((element: { type: string }) => element.type === 'FactSet').facts).toEqual(
      expect.arrayContaining([
        { title: 'Scope', value: 'tenant globex' },
        { title: 'Severity', value: 'info' },
      ]),
    );
    expect(card.actions[0]).toEqual({
      type: 'Action.OpenUrl',
      title: 'Open the dashboard',
      url: 'https://monitor.example.com/dashboard/claude-monitoring/?tenant=globex',
    });
  });

  it('the schema checks themselves refuse what the documented schemas refuse', () => {
    // Prepare
    const longHeader = {
      text: 'x',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }],
    };
    const mrkdwnHeader = { text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }] };
    const noFallback = { blocks: [{ type: 'divider' }] };
    const badColor = {
      type: 'AdaptiveCard',
      version: '1.4',
      body: [{ type: 'TextBlock', text: 'x', color: 'Red' }],
    };
    const unknownElement = { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'Chart' }] };
    const linkWithoutUrl = {
      type: 'AdaptiveCard',
      version: '1.4',
      actions: [{ type: 'Action.OpenUrl', title: 'x' }],
    };

    // Act
    const slack = [longHeader, mrkdwnHeader, noFallback].map(blockKitProblems);
    const teams = [badColor, unknownElement, linkWithoutUrl].map(adaptiveCardProblems);

    // Assess
    for (const problems of [...slack, ...teams]) expect(problems.length).toBeGreaterThan(0);
  });
});

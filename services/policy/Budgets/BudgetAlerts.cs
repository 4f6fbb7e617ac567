using System.Globalization;
using AiMesh.Contracts.Integration;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Budgets;

/// <summary>
/// Announces a budget threshold, once (the caller won the <c>budget_alerts</c> row): a <see cref="BudgetThresholdReached"/>
/// event, and, when the rule names a webhook, a Slack-compatible <c>{"text": …}</c> POST made in the background with
/// bounded attempts (<see cref="BudgetOptions.WebhookAttempts"/>), so a slow or dead webhook never holds a request or a
/// settle. Failures are logged (without the URL, which may carry a token) and counted.
/// </summary>
internal sealed class BudgetAlerts(
    IHttpClientFactory clients,
    IOptions<BudgetOptions> options,
    BudgetMetrics metrics,
    TimeProvider time,
    ILogger<BudgetAlerts> logger)
{
    public const string ClientName = "aimesh-budget-webhooks";

    public async Task AnnounceAsync(BudgetRule rule, string budget, string period, int threshold, decimal spent, string? currency, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        var scope = BudgetMetrics.Name(rule.Scope);
        metrics.Announced();
        PolicyLog.BudgetThreshold(logger, scope, threshold, period);
        await publish.Publish(new BudgetThresholdReached(budget, period, threshold, spent, rule.Amount, currency, rule.Hard, time.GetUtcNow()), cancellationToken);
        if (rule.Webhook is { } webhook)
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"AiMesh budget {budget} reached {threshold} % of {rule.Amount} {currency} in {period}: spent {spent} {currency}.");
            _ = Task.Run(() => PostAsync(webhook, text, scope, threshold), CancellationToken.None);
        }
    }

    private async Task PostAsync(Uri webhook, string text, string scope, int threshold)
    {
        var settings = options.Value;
        var client = clients.CreateClient(ClientName);
        var pause = TimeSpan.FromSeconds(1);
        for (var attempt = 1; attempt <= settings.WebhookAttempts; attempt++)
        {
            try
            {
                using var timeout = new CancellationTokenSource(settings.WebhookTimeout);
                using var response = await client.PostAsJsonAsync(webhook, new WebhookMessage(text), timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                PolicyLog.WebhookFailed(logger, scope, threshold, attempt, settings.WebhookAttempts, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                PolicyLog.WebhookFailed(logger, scope, threshold, attempt, settings.WebhookAttempts, ex.GetType().Name);
            }

            if (attempt < settings.WebhookAttempts)
            {
                await Task.Delay(pause, time);
                pause *= 2;
            }
        }

        metrics.WebhookFailed();
    }

    private sealed record WebhookMessage(string Text);
}

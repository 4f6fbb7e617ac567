using AiMesh.Prompts.Templates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts.Tests.Templates;

public sealed class PromptsOptionsValidatorTests
{
    [Fact]
    public void Templates_with_known_roles_and_declared_placeholders_are_valid()
    {
        var result = Validate(new()
        {
            ["ok"] = Template(["name"], ("system", "Hi {{name}} and {{ name }}."), ("developer", "d"), ("user", "u"), ("assistant", "a")),
            ["no-placeholders"] = Template([], ("system", "Plain text with { braces } and {% raw %}{{ not a placeholder }}{% endraw %}.")),
        });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void An_undeclared_placeholder_is_reported()
    {
        var result = Validate(new() { ["t"] = Template(["name"], ("system", "Hi {{name}}, from {{sender}}.")) });

        Assert.Equal(["Prompts:Templates:t: placeholder 'sender' is not declared in Variables."], result.Failures);
    }

    [Fact]
    public void Loop_variables_and_liquid_s_own_names_are_not_undeclared_placeholders()
    {
        var result = Validate(new()
        {
            ["loop"] = Template(["items", "vip"], ("system", "{% if vip %}VIP{% endif %}{% for i in items %}{{ i.name }}{{ forloop.index }}{% endfor %}{% assign n = items.size %}{{ n }}")),
        });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void A_liquid_syntax_error_is_reported_with_where_it_is()
    {
        var result = Validate(new() { ["t"] = Template(["a"], ("system", "Hi {% if a %}yes")) });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Prompts:Templates:t: ", failure, StringComparison.Ordinal);
        Assert.Matches(@"\(\d+:\d+\)", failure);
    }

    [Fact]
    public void A_template_that_includes_a_file_is_reported()
    {
        var result = Validate(new() { ["t"] = Template([], ("system", "{% include 'secrets' %}")) });

        Assert.Equal(["Prompts:Templates:t: The template includes another template; prompts cannot include files."], result.Failures);
    }

    [Theory]
    [InlineData("tool")]
    [InlineData("System")]
    [InlineData("robot")]
    [InlineData("")]
    public void A_role_a_template_may_not_use_is_reported(string role)
    {
        var result = Validate(new() { ["t"] = Template([], (role, "text")) });

        Assert.Equal([$"Prompts:Templates:t: role '{role}' is not one of system, developer, user, assistant."], result.Failures);
    }

    [Fact]
    public void Every_error_of_every_template_is_reported_at_once()
    {
        var result = Validate(new()
        {
            ["empty"] = Template([]),
            ["bad"] = Template(["a"], ("robot", "{{a}} {{b}}"), ("user", "{{c}}")),
        });

        Assert.Equal(
            [
                "Prompts:Templates:empty has no messages.",
                "Prompts:Templates:bad: role 'robot' is not one of system, developer, user, assistant.",
                "Prompts:Templates:bad: placeholder 'b' is not declared in Variables.",
                "Prompts:Templates:bad: placeholder 'c' is not declared in Variables.",
            ],
            result.Failures);
    }

    [Fact]
    public async Task A_host_with_an_invalid_prompts_section_does_not_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Prompts:Templates:t:Messages:0:Role"] = "narrator",
            ["Prompts:Templates:t:Messages:0:Content"] = "{{who}}",
        });
        new PromptsModule().ConfigureServices(builder);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            [
                "Prompts:Templates:t: role 'narrator' is not one of system, developer, user, assistant.",
                "Prompts:Templates:t: placeholder 'who' is not declared in Variables.",
            ],
            error.Failures);
    }

    private static PromptTemplate Template(List<string> variables, params (string Role, string Content)[] messages) => new()
    {
        Variables = variables,
        Messages = [.. messages.Select(m => new TemplateMessage { Role = m.Role, Content = m.Content })],
    };

    private static ValidateOptionsResult Validate(Dictionary<string, PromptTemplate> templates) =>
        new PromptsOptionsValidator().Validate(null, new PromptsOptions { Templates = templates });
}

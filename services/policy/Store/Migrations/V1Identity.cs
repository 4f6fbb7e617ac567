using AiMesh.Hosting.Storage;

namespace AiMesh.Policy.Store.Migrations;

/// <summary>Version 1: organizations, teams, users and memberships, service accounts, access groups, virtual keys.</summary>
internal static class V1Identity
{
    private const string RoleCheck = "role IN ('admin', 'org_admin', 'team_admin', 'member', 'viewer')";
    private const string StatusCheck = "status IN ('enabled', 'disabled', 'revoked')";

    // Exactly one owner: user, team or service account.
    private const string OwnerCheck =
        "(CASE WHEN owner_user_id IS NULL THEN 0 ELSE 1 END + CASE WHEN owner_team_id IS NULL THEN 0 ELSE 1 END + " +
        "CASE WHEN owner_service_account_id IS NULL THEN 0 ELSE 1 END) = 1";

    public static SchemaStep Migration { get; } = new(1, "identity", Sqlite(), Postgres());

    private static string Sqlite() => $"""
        CREATE TABLE organizations (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL);
        CREATE TABLE teams (
            id TEXT NOT NULL PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            name TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (organization_id, name));
        CREATE TABLE users (
            id TEXT NOT NULL PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            email TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK ({RoleCheck}),
            created_at INTEGER NOT NULL);
        CREATE TABLE team_memberships (
            user_id TEXT NOT NULL REFERENCES users (id),
            team_id TEXT NOT NULL REFERENCES teams (id),
            PRIMARY KEY (user_id, team_id));
        CREATE TABLE service_accounts (
            id TEXT NOT NULL PRIMARY KEY,
            team_id TEXT NOT NULL REFERENCES teams (id),
            name TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (team_id, name));
        CREATE TABLE model_access_groups (
            id TEXT NOT NULL PRIMARY KEY,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            name TEXT NOT NULL,
            models TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (organization_id, name));
        CREATE TABLE virtual_keys (
            id TEXT NOT NULL PRIMARY KEY,
            key_hash TEXT NOT NULL,
            display_prefix TEXT NOT NULL,
            organization_id TEXT NOT NULL REFERENCES organizations (id),
            owner_user_id TEXT NULL REFERENCES users (id),
            owner_team_id TEXT NULL REFERENCES teams (id),
            owner_service_account_id TEXT NULL REFERENCES service_accounts (id),
            models TEXT NOT NULL,
            access_groups TEXT NOT NULL,
            ip_allowlist TEXT NOT NULL,
            tags TEXT NOT NULL,
            expires_at INTEGER NULL,
            status TEXT NOT NULL CHECK ({StatusCheck}),
            revoked_at INTEGER NULL,
            created_at INTEGER NOT NULL,
            created_by TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            rotated_from TEXT NULL REFERENCES virtual_keys (id),
            CHECK ({OwnerCheck}));
        CREATE UNIQUE INDEX ux_virtual_keys_key_hash ON virtual_keys (key_hash);
        CREATE INDEX ix_virtual_keys_organization ON virtual_keys (organization_id, created_at);
        CREATE INDEX ix_virtual_keys_status ON virtual_keys (status);
        """;

    private static string Postgres() => $"""
        CREATE TABLE organizations (
            id uuid NOT NULL PRIMARY KEY,
            name text NOT NULL UNIQUE,
            created_at timestamptz NOT NULL);
        CREATE TABLE teams (
            id uuid NOT NULL PRIMARY KEY,
            organization_id uuid NOT NULL REFERENCES organizations (id),
            name text NOT NULL,
            created_at timestamptz NOT NULL,
            UNIQUE (organization_id, name));
        CREATE TABLE users (
            id uuid NOT NULL PRIMARY KEY,
            organization_id uuid NOT NULL REFERENCES organizations (id),
            email text NOT NULL UNIQUE,
            role text NOT NULL CHECK ({RoleCheck}),
            created_at timestamptz NOT NULL);
        CREATE TABLE team_memberships (
            user_id uuid NOT NULL REFERENCES users (id),
            team_id uuid NOT NULL REFERENCES teams (id),
            PRIMARY KEY (user_id, team_id));
        CREATE TABLE service_accounts (
            id uuid NOT NULL PRIMARY KEY,
            team_id uuid NOT NULL REFERENCES teams (id),
            name text NOT NULL,
            created_at timestamptz NOT NULL,
            UNIQUE (team_id, name));
        CREATE TABLE model_access_groups (
            id uuid NOT NULL PRIMARY KEY,
            organization_id uuid NOT NULL REFERENCES organizations (id),
            name text NOT NULL,
            models text NOT NULL,
            updated_at timestamptz NOT NULL,
            UNIQUE (organization_id, name));
        CREATE TABLE virtual_keys (
            id uuid NOT NULL PRIMARY KEY,
            key_hash text NOT NULL,
            display_prefix text NOT NULL,
            organization_id uuid NOT NULL REFERENCES organizations (id),
            owner_user_id uuid NULL REFERENCES users (id),
            owner_team_id uuid NULL REFERENCES teams (id),
            owner_service_account_id uuid NULL REFERENCES service_accounts (id),
            models text NOT NULL,
            access_groups text NOT NULL,
            ip_allowlist text NOT NULL,
            tags text NOT NULL,
            expires_at timestamptz NULL,
            status text NOT NULL CHECK ({StatusCheck}),
            revoked_at timestamptz NULL,
            created_at timestamptz NOT NULL,
            created_by text NOT NULL,
            updated_at timestamptz NOT NULL,
            rotated_from uuid NULL REFERENCES virtual_keys (id),
            CHECK ({OwnerCheck}));
        CREATE UNIQUE INDEX ux_virtual_keys_key_hash ON virtual_keys (key_hash);
        CREATE INDEX ix_virtual_keys_organization ON virtual_keys (organization_id, created_at);
        CREATE INDEX ix_virtual_keys_status ON virtual_keys (status);
        """;
}

//! `bantin user add`: creates a newsroom account (the first admin on a fresh database, too).

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};
use bantin_domain::{ContentReader, NewUser, NewsroomStore, Role};
use bantin_persistence::Store;
use clap::{Args, Subcommand};

use bantin_api::graphql::MIN_PASSWORD_CHARS;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user. The password comes from a prompt, or from standard input with --password-stdin.
    Add(AddUser),
}

#[derive(Debug, Args)]
pub struct AddUser {
    /// Sign-in e-mail.
    #[arg(long)]
    pub email: String,
    /// admin, editor or writer.
    #[arg(long)]
    pub role: String,
    /// Name shown in the newsroom; defaults to the part of the e-mail before '@'.
    #[arg(long)]
    pub name: Option<String>,
    /// Slug of the author profile this user writes as.
    #[arg(long)]
    pub author: Option<String>,
    /// Read the password from the first line of standard input (for scripts).
    #[arg(long)]
    pub password_stdin: bool,
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !from_stdin && stdin.is_terminal() {
        let mut stderr = std::io::stderr();
        write!(stderr, "Password (at least {MIN_PASSWORD_CHARS} characters; it will be visible): ")?;
        stderr.flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line).context("reading the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

pub async fn run(store: &Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add(add) => {
            let role = Role::parse(&add.role)?;
            let email = add.email.trim().to_lowercase();
            if !email.contains('@') || email.len() > 254 {
                bail!("--email '{email}' is not an e-mail address");
            }
            let author_id = match &add.author {
                Some(slug) => Some(
                    store
                        .author_by_slug(slug)
                        .await?
                        .with_context(|| format!("--author: no author has the slug '{slug}'"))?
                        .id,
                ),
                None => None,
            };
            let password = read_password(add.password_stdin)?;
            if password.chars().count() < MIN_PASSWORD_CHARS {
                bail!("the password must be at least {MIN_PASSWORD_CHARS} characters");
            }
            let password_hash = bantin_api::auth::hash_password(&password)?;
            let display_name =
                add.name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_owned());
            let user = store
                .create_user(NewUser { email, display_name, role, author_id, password_hash })
                .await
                .context("creating the user")?;
            tracing::info!(user.id = %user.id, user.email = %user.email, user.role = %user.role, "user created");
            Ok(())
        }
    }
}

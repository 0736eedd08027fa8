pub fn run(_p: Option<std::path::PathBuf>, _a: Option<String>) -> anyhow::Result<()> { anyhow::bail!("wip") }

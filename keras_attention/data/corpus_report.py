"""The corpus report (`build_datasets`, saved as `RUN_DIR/corpus.json`)."""


def _splits(report):
    """`{split: its reader's report}` of a corpus report."""
    return {
        name: split
        for name, split in report.items()
        if isinstance(split, dict) and "pairs" in split
    }


def summarize_corpus_report(report):
    """The headline numbers of a corpus report (a flat dict)."""
    train = report["train"]
    lengths = train["lengths"]
    padding = report["padding"]
    return {
        "train_pairs_read": train["pairs"],
        "train_pairs_used": lengths["kept"],
        "skipped_lines": {
            name: split["skipped_lines"]
            for name, split in _splits(report).items()
        },
        "length_policy": lengths["policy"],
        "dropped": lengths["dropped"],
        "truncated": lengths["truncated"],
        "padding_without_bucketing": padding["without_bucketing"]["fraction"],
        "padding_with_bucketing": padding["with_bucketing"]["fraction"],
    }


def describe_corpus_report(report):
    """The corpus report as the lines `Trainer.prepare` prints (a str)."""
    train = report["train"]
    lengths = train["lengths"]
    caps = f"{lengths['max_source_tokens']}/{lengths['max_target_tokens']}"
    splits = _splits(report)
    lines = [
        "Corpus: "
        + ", ".join(
            f"{name} {split['pairs']} pairs" for name, split in splits.items()
        )
        + f" ({train['format']}: {', '.join(train['files'])})"
    ]
    for name, split in splits.items():
        if "files_read" in split:
            lines.append(
                f"  {name} files: "
                + ", ".join(
                    f"{part['name']} {part['pairs']} pairs"
                    for part in split["files_read"]
                )
            )
    for name, split in splits.items():
        if split["skipped_lines"]:
            lines.append(
                f"  {name}: skipped {split['skipped_lines']} bad lines "
                f"(--skip-bad-lines), e.g. {split['problems'][0]}"
            )
    if lengths["policy"] == "drop":
        change = f"dropped {lengths['dropped']} pairs"
    else:
        change = (
            f"truncated {lengths['truncated']} pairs "
            f"({lengths['cut_targets']} targets cut, trained without [END]), "
            f"dropped {lengths['dropped']} that could not be cut consistently"
        )
    lines.append(
        f"  length policy {lengths['policy']} at {caps} source/target "
        f"tokens: {change} ({lengths['long_sources']} long sources, "
        f"{lengths['long_targets']} long targets); training on "
        f"{lengths['kept']} pairs"
    )
    padding = report["padding"]
    before = padding["without_bucketing"]
    after = padding["with_bucketing"]
    lines.append(
        f"  padding: {before['fraction']:.1%} of token positions without "
        f"length bucketing, {after['fraction']:.1%} with "
        f"({before['batches']} and {after['batches']} batches measured)"
    )
    tokenizer = report["tokenizer"]
    lines.append(
        f"  tokenizer {tokenizer['type']}: vocabularies "
        f"{tokenizer['source_vocabulary_size']} source, "
        f"{tokenizer['target_vocabulary_size']} target"
    )
    return "\n".join(lines)

"""The command-line options every command shares, declared once: the repair options (what changes
a repair, so `fix`, `explain`, `report`, `batch` and `dedup` reproduce one another), `--debug`,
and the one builder of a RepairConfig from them. Both docrepair.cli and docrepair.batch.cli use
this module; neither imports the other's commands."""

from __future__ import annotations

import dataclasses
import functools
import json
import tomllib
from pathlib import Path

import click

from .chrome import LearnedChrome
from .config import PUNCT_MODES, STAGE_NAMES, RepairConfig
from .errors import ConfigError

SCRIPT_MODES = ("keep", "simplified", "traditional")

#: ctx.meta key where --debug is kept for the error boundary on the group.
DEBUG = "docrepair.debug"


def build_config(
    encoding: str | None = None,
    script: str | None = None,
    punct: str | None = None,
    skip: tuple[str, ...] = (),
    chrome: str | None = None,
    config_file: str | None = None,
    settings: tuple[str, ...] = (),
) -> RepairConfig:
    """The RepairConfig the repair options name: the defaults, then a config file (`--config`, TOML
    or JSON, sections as `RepairConfig.to_dict()` writes them, so a result's `header.config` is
    one), then each `--set SECTION.FIELD=VALUE`, then the options that name one setting
    (`--encoding`, `--script`, `--punct`, `--skip`) and `--chrome` (a file `learn-chrome` wrote)."""
    data: dict = read_config_file(config_file) if config_file else {}
    for setting in settings:
        name, separator, raw = setting.partition("=")
        section, dot, field = name.strip().partition(".")
        if not separator or not dot or not field:
            raise ConfigError(f"--set {setting!r}: expected SECTION.FIELD=VALUE, e.g. dedup.min_ratio=95")
        data.setdefault(section, {})[field] = _setting_value(raw.strip())
    if encoding is not None:
        data.setdefault("decode", {})["encoding"] = encoding
    if script is not None:
        data.setdefault("output", {})["script"] = script
    if punct is not None:
        data.setdefault("output", {})["punct"] = punct
    if skip:
        data["skip"] = list(dict.fromkeys([*data.get("skip", ()), *skip]))
    config = RepairConfig.from_dict(data)
    if chrome:
        config = dataclasses.replace(config, boilerplate=LearnedChrome.load(chrome).config(config.boilerplate))
    return config


def read_config_file(path: str) -> dict:
    """A config file: TOML (`[dedup]` / `min_ratio = 95`), or JSON (a result's `header.config`)."""
    try:
        raw = Path(path).read_bytes()
        data = json.loads(raw) if raw.lstrip()[:1] == b"{" else tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from None
    if isinstance(data, dict) and "config" in data and "docrepair" in data:
        data = data["config"]  # a whole header
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a table of settings")
    return data


def _setting_value(raw: str):
    """A --set value as JSON (95, 0.6, true, ["a"]), or else the plain string."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def encoding_option(command):
    return click.option("--encoding", metavar="NAME", help="Decode the input with this codec instead of detecting it.")(command)


def repair_options(command):
    """--encoding, --script, --punct, --skip, --chrome, --config and --set, handed to the command as one `config` (a RepairConfig)."""

    @functools.wraps(command)
    def wrapper(*args, encoding, script, punct, skip, chrome, config_file, settings, **kwargs):
        return command(*args, config=build_config(encoding, script, punct, skip, chrome, config_file, settings), **kwargs)

    options = [
        encoding_option,
        click.option(
            "--script",
            type=click.Choice(SCRIPT_MODES),
            default=None,
            help="Keep the input's script (default), or convert the output (OpenCC) after every repair.",
        ),
        click.option(
            "--punct",
            type=click.Choice(PUNCT_MODES),
            default=None,
            help="Width of Chinese punctuation: each mark as the document mostly writes it (default), unchanged, or all full/half width.",
        ),
        click.option(
            "--skip",
            multiple=True,
            type=click.Choice(STAGE_NAMES),
            help="Do not run this stage (repeatable), e.g. --skip order --skip dedup.",
        ),
        click.option(
            "--chrome",
            metavar="FILE",
            type=click.Path(exists=True, dir_okay=False),
            help="Also remove the site chrome `docrepair learn-chrome` learned from an archive (its JSON file).",
        ),
        click.option(
            "--config",
            "config_file",
            metavar="FILE",
            type=click.Path(exists=True, dir_okay=False),
            help="Settings from a file: TOML sections as RepairConfig has them ([dedup] min_ratio = 95), or JSON (a result's header.config).",
        ),
        click.option(
            "--set",
            "settings",
            multiple=True,
            metavar="SECTION.FIELD=VALUE",
            help="One setting, after --config (repeatable), e.g. --set dedup.min_ratio=95.",
        ),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _remember_debug(ctx: click.Context, _param, value: bool) -> None:
    if value:
        ctx.meta[DEBUG] = True


def debug_option(command):
    """--debug, on the group and on every command: the boundary then prints the traceback."""
    return click.option(
        "--debug", is_flag=True, expose_value=False, is_eager=True, callback=_remember_debug, help="Show the traceback of an error."
    )(command)

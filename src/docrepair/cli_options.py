"""The command-line options every command shares, declared once: the repair options (what changes
a repair, so `fix`, `explain`, `report`, `batch` and `dedup` reproduce one another), `--debug`,
and the one builder of a RepairConfig from them. Both docrepair.cli and docrepair.batch.cli use
this module; neither imports the other's commands."""

from __future__ import annotations

import functools

import click

from .chrome import LearnedChrome
from .config import PUNCT_MODES, STAGE_NAMES, BoilerplateConfig, DecodeConfig, OutputConfig, RepairConfig

SCRIPT_MODES = ("keep", "simplified", "traditional")

#: ctx.meta key where --debug is kept for the error boundary on the group.
DEBUG = "docrepair.debug"


def build_config(
    encoding: str | None = None, script: str = "keep", punct: str = "document", skip: tuple[str, ...] = (), chrome: str | None = None
) -> RepairConfig:
    """The RepairConfig the repair options name (`chrome`: a file `docrepair learn-chrome` wrote)."""
    boilerplate = LearnedChrome.load(chrome).config() if chrome else BoilerplateConfig()
    return RepairConfig(decode=DecodeConfig(encoding=encoding), output=OutputConfig(script=script, punct=punct), boilerplate=boilerplate, skip=tuple(skip))


def encoding_option(command):
    return click.option("--encoding", metavar="NAME", help="Decode the input with this codec instead of detecting it.")(command)


def repair_options(command):
    """--encoding, --script, --punct, --skip and --chrome, handed to the command as one `config` (a RepairConfig)."""

    @functools.wraps(command)
    def wrapper(*args, encoding: str | None, script: str, punct: str, skip: tuple[str, ...], chrome: str | None, **kwargs):
        return command(*args, config=build_config(encoding, script, punct, skip, chrome), **kwargs)

    options = [
        encoding_option,
        click.option(
            "--script",
            type=click.Choice(SCRIPT_MODES),
            default="keep",
            show_default=True,
            help="Keep the input's script, or convert the output (OpenCC) after every repair.",
        ),
        click.option(
            "--punct",
            type=click.Choice(PUNCT_MODES),
            default="document",
            show_default=True,
            help="Width of Chinese punctuation: each mark as the document mostly writes it, unchanged, or all full/half width.",
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

from tests.fakes.anthropic_server import anthropic_server, fake_anthropic

__all__ = ["anthropic_server", "fake_anthropic"]

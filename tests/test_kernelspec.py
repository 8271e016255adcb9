"""The installed kernelspec is what jupyter_client finds and launches."""
import subprocess

from jupyter_client.kernelspec import KernelSpecManager


def test_kernelspec_is_installed_with_absolute_binary():
    spec = KernelSpecManager().get_kernel_spec("gophys")
    assert spec.display_name == "Go (gophys)"
    assert spec.language == "go"
    assert spec.interrupt_mode == "message"
    assert spec.argv[0].startswith("/"), spec.argv
    out = subprocess.run([spec.argv[0], "version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("gophys "), out

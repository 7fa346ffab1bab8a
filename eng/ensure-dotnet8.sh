#!/usr/bin/env bash
# Makes the .NET 8 runtime available next to the .NET 10 SDK so that the net8.0 builds of the libraries are tested,
# not only compiled. Debian 12 has no .NET package and Microsoft's download site may be out of reach, so the runtime
# is taken from the NuGet runtime pack (Microsoft.NETCore.App.Runtime.linux-x64), which holds exactly the files of the
# shared framework, and copied into the SDK's shared/Microsoft.NETCore.App/<version> folder.
#
# Usage: eng/ensure-dotnet8.sh
# Exit status: 0 when a .NET 8 runtime is installed (already or now); 1 when it is not (no write access to the SDK's
# folder, not linux-x64, or the package could not be restored) — callers then test net10.0 only and say so.
set -euo pipefail

version=8.0.34

# (grep reads a captured list: with pipefail, grep -q ending a pipe early could fail the pipeline.)
if grep -q '^Microsoft.NETCore.App 8\.' <<<"$(dotnet --list-runtimes 2>/dev/null)"; then
  echo "prerequisites: .NET 8 runtime present (ok)"
  exit 0
fi

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "prerequisites: no .NET 8 runtime; install it from https://dot.net to test the net8.0 builds" >&2
  exit 1
fi

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
target="$dotnet_root/shared/Microsoft.NETCore.App/$version"
if [ ! -w "$dotnet_root/shared/Microsoft.NETCore.App" ]; then
  echo "prerequisites: no .NET 8 runtime, and $dotnet_root is not writable; run as root to install it" >&2
  exit 1
fi

echo "prerequisites: installing the .NET $version runtime from its NuGet runtime pack ..."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/download.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Microsoft.NETCore.App.Runtime.linux-x64" Version="[$version]" />
  </ItemGroup>
</Project>
EOF
if ! dotnet restore "$work/download.csproj" --packages "$work/packages" >"$work/restore.log" 2>&1; then
  cat "$work/restore.log" >&2
  echo "prerequisites: could not restore Microsoft.NETCore.App.Runtime.linux-x64 $version" >&2
  exit 1
fi

pack="$work/packages/microsoft.netcore.app.runtime.linux-x64/$version/runtimes/linux-x64"
staging="$target.partial"
rm -rf "$staging"
mkdir -p "$staging"
cp -r "$pack/lib/net8.0/." "$staging/"
cp -r "$pack/native/." "$staging/"
# hostfxr belongs to the host (host/fxr), which the installed SDK already provides in a newer version.
rm -f "$staging/libhostfxr.so"
rm -rf "$target"   # a partial copy from an interrupted run, which dotnet does not list
mv "$staging" "$target"

if grep -q "^Microsoft.NETCore.App $version " <<<"$(dotnet --list-runtimes)"; then
  echo "prerequisites: .NET $version runtime installed (ok)"
  exit 0
fi

echo "prerequisites: copied the .NET $version runtime, but dotnet does not list it" >&2
exit 1

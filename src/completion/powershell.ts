/**
 * The PowerShell completion script: a native argument completer over the completion model, which
 * it carries as JSON; server names from the cache file, paths left to PowerShell's own completion.
 */
import type { CompletionModel } from './model.js';
import { valueOptionNames } from './model.js';
import { powershellQuote } from './quote.js';
import type { CacheLocation } from './cache-location.js';
import { COMPLETABLE_NAME_SOURCE } from './server-cache.js';

/** PowerShell's spelling of the cache path rules (src/platform/paths.ts), worked out at each Tab. */
function powershellCacheFile(cache: CacheLocation): string {
  if (cache.platform === 'win32') return "Join-Path $env:LOCALAPPDATA 'imctl\\cache\\servers.json'";
  if (cache.platform === 'darwin') return "Join-Path $HOME 'Library/Caches/imctl/servers.json'";
  return "$(if ($env:XDG_CACHE_HOME -and $env:XDG_CACHE_HOME.StartsWith('/')) { $env:XDG_CACHE_HOME } else { Join-Path $HOME '.cache' }) + '/imctl/servers.json'";
}

export function powershellScript(model: CompletionModel, cache: CacheLocation): string {
  const p = model.program;
  return `# ${p} completion for PowerShell. Load it with: ${p} completion powershell | Out-String | Invoke-Expression
# Server names come from ${cache.described}, written by "${p} servers"; a Tab never connects.
# Only names of [A-Za-z0-9._-] are offered, checked again here.
Register-ArgumentCompleter -Native -CommandName ${powershellQuote(p)}, ${powershellQuote(`${p}.exe`)} -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $model = ConvertFrom-Json ${powershellQuote(JSON.stringify(model))}
    $cache = ${powershellCacheFile(cache)}
    $valueOptions = @(${valueOptionNames(model).map(powershellQuote).join(', ')})
    # The words before the one being completed.
    $words = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -lt $cursorPosition } | ForEach-Object { $_.Extent.Text })
    $command = $null; $position = 0; $skip = $false
    for ($i = 1; $i -lt $words.Count; $i++) {
        $w = $words[$i]
        if ($skip) { $skip = $false; continue }
        if ($valueOptions -contains $w) { $skip = $true; continue }
        if ($w.StartsWith('-')) { continue }
        if ($null -eq $command) { $command = $w } else { $position++ }
    }
    $previous = if ($words.Count -gt 1) { $words[-1] } else { '' }
    $entry = $model.commands | Where-Object { $_.name -eq $command }
    $options = @($model.globalOptions) + @(if ($entry) { $entry.options })
    function Get-Values($values) {
        switch ($values.kind) {
            'choices' { return $values.choices }
            'servers' {
                if (Test-Path -LiteralPath $cache -PathType Leaf) {
                    return @((Get-Content -Raw -LiteralPath $cache | ConvertFrom-Json).servers) | Where-Object { $_ -is [string] -and $_ -cmatch ${powershellQuote(`^${COMPLETABLE_NAME_SOURCE}$`)} }
                }
            }
        }
        return @()
    }
    $candidates = @()
    $option = $options | Where-Object { $_.names -contains $previous } | Select-Object -First 1
    if ($option -and $option.values.kind -ne 'none') {
        if ($option.values.kind -eq 'files') { return }
        $candidates = Get-Values $option.values
    } elseif ($wordToComplete.StartsWith('-')) {
        $candidates = $options | ForEach-Object { $_.names }
    } elseif ($null -eq $command) {
        $candidates = $model.commands | ForEach-Object { $_.name }
    } elseif ($entry) {
        $argument = $entry.arguments | Select-Object -Index ([Math]::Min($position, [Math]::Max(0, @($entry.arguments).Count - 1)))
        if ($argument -and ($position -lt @($entry.arguments).Count -or $argument.variadic)) {
            if ($argument.values.kind -eq 'files') { return }
            $candidates = Get-Values $argument.values
        }
    }
    # A prefix compared as text: -like would read [ ] * ? in what is typed as wildcards.
    $candidates | Where-Object { $_.StartsWith($wordToComplete, [System.StringComparison]::OrdinalIgnoreCase) } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`;
}

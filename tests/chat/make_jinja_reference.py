#!/usr/bin/env python3
"""Writes tests/chat/data/jinja_reference.json: small templates exercising each Jinja feature the
chat-template interpreter supports, with what jinja2 renders from them in the environment
transformers uses for chat templates (ImmutableSandboxedEnvironment(trim_blocks=True,
lstrip_blocks=True), loopcontrols, raise_exception, and its tojson). A case whose render raises
is recorded with "error": true. Run once: python3 make_jinja_reference.py"""
import json
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

VARIABLES = {
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "  Hi there \n"},
        {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nHello!"},
        {"role": "user", "content": "多行\n输入"},
    ],
    "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"city": "str"}}}],
    "n": 7,
    "f": 2.5,
    "s": "Hello, World",
    "empty": "",
    "nothing": None,
    "flag": True,
    "items": [3, 1, 2],
    "words": ["b", "A", "c"],
    "d": {"b": 1, "a": [1, 2], "c": {"x": "y"}},
}

CASES = [
    # text, whitespace control, trim_blocks / lstrip_blocks
    "plain text only",
    "a {{ s }} b",
    "{% if true %}\nyes\n{% endif %}\nend",
    "  {% if true %}\n  indented\n  {% endif %}\nend",
    "x  {%- if true -%}  y  {%- endif -%}  z",
    "x  {{- s -}}  z",
    "{%+ if true %}keep{% endif +%}\nafter",
    "a {# comment #}\nb",
    "a\n  {# own-line comment #}\nb",
    "{% raw %}{{ not evaluated }}{% endraw %}",
    "line1\r\nline2\n",
    "trailing newline kept?\n\n",
    # literals and operators
    "{{ 'single' }} {{ \"double\" }} {{ 'esc\\n\\t\\'q\\'' }} {{ 'uni\\u00e9' }}",
    "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 10 }}",
    "{{ 7 / 2 }} {{ 4 / 2 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1.5e-7 }} {{ 3.0 }} {{ -0.5 }}",
    "{{ 'a' ~ 1 ~ none ~ true }} {{ 'ab' * 3 }} {{ [1] + [2, 3] }}",
    "{{ [1, 'a', none, true, 2.5, {'k': [1]}] }}",
    "{{ {'a': 1, 'b': 'x'} }}",
    "{{ 1 < 2 < 3 }} {{ 3 > 2 > 5 }} {{ 1 == 1.0 }} {{ 'a' != 'b' }} {{ 'b' >= 'a' }}",
    "{{ 'ell' in s }} {{ 'zz' not in s }} {{ 3 in items }} {{ 'a' in d }} {{ not flag }}",
    "{{ true and 'yes' }} {{ false or 'fallback' }} {{ none or 0 }} {{ 0 and 1 }}",
    "{{ 'big' if n > 5 else 'small' }}|{{ 'x' if false }}|",
    "{{ -n }} {{ +f }} {{ - -n }}",
    # variables, attributes, subscripts, slices
    "{{ messages[0].role }} {{ messages[0]['content'] }} {{ messages[-1].role }}",
    "{{ d.a[1] }} {{ d['c'].x }} {{ d.missing }}|{{ messages[10] }}|",
    "{{ s[0] }} {{ s[-1] }} {{ s[1:4] }} {{ s[::-1] }} {{ s[::2] }} {{ s[-5:] }} {{ items[1:] }}",
    "{{ messages[3].content[::-1] }} {{ messages[3].content[1:3] }} {{ messages[3].content | length }}",
    "{{ undefined_var }}|{{ undefined_var is defined }}|{{ undefined_var is undefined }}",
    # set, namespace, scoping
    "{% set x = 5 %}{{ x }}{% set x = x + 1 %}{{ x }}",
    "{% set a, b = 1, 2 %}{{ a }}{{ b }}",
    "{% for i in range(3) %}{% set y = i %}{% endfor %}[{{ y }}]",
    "{% set ns = namespace(total=0, seen=false) %}{% for i in items %}{% set ns.total = ns.total + i %}"
    "{% if i == 1 %}{% set ns.seen = true %}{% endif %}{% endfor %}{{ ns.total }} {{ ns.seen }}",
    "{% set block %}inside {{ n }}{% endset %}[{{ block }}]",
    # loops
    "{% for m in messages %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.length }}/{{ loop.first }}/"
    "{{ loop.last }}/{{ loop.revindex }} {% endfor %}",
    "{% for m in messages if m.role == 'user' %}{{ loop.index }}:{{ m.content | trim }};{% endfor %}",
    "{% for x in [] %}x{% else %}empty{% endfor %}",
    "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
    "{% for k in d %}{{ k }}{% endfor %}",
    "{% for c in 'abc' %}{{ c }}-{% endfor %}",
    "{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}"
    "{% endif %}{{ i }}{% endfor %}",
    "{% for i in range(2) %}{% for j in range(2) %}{{ loop.index }}{{ i }}{{ j }} {% endfor %}{% endfor %}",
    "{% for i in range(1, 10, 3) %}{{ i }}{% endfor %}|{% for i in range(5, 0, -2) %}{{ i }}{% endfor %}",
    "{% for m in messages %}{{ loop.previtem.role if loop.previtem is defined else '-' }}{% endfor %}",
    # if / elif / else
    "{% if n < 5 %}a{% elif n < 10 %}b{% else %}c{% endif %}",
    "{% if nothing is none %}none{% endif %}{% if s is string %} str{% endif %}{% if n is number %} num{% endif %}",
    "{% if d is mapping %}map{% endif %}{% if items is iterable %} iter{% endif %}{% if n is odd %} odd{% endif %}"
    "{% if 6 is divisibleby 3 %} div{% endif %}{% if nothing is not none %} bad{% endif %}",
    "{{ n is integer }} {{ f is float }} {{ flag is boolean }} {{ flag is true }} {{ n is eq 7 }} {{ 'ABC' is upper }}",
    # filters
    "{{ '  padded  ' | trim }}|{{ s | length }}|{{ items | first }}|{{ items | last }}|{{ words | join(', ') }}",
    "{{ undefined_var | default('dflt') }}|{{ empty | default('dflt') }}|{{ empty | default('dflt', true) }}",
    "{{ s | replace('l', 'L') }}|{{ s | upper }}|{{ s | lower }}|{{ 'hello wORLD' | title }}|{{ 'hello WORLD' | capitalize }}",
    "{{ d | tojson }}|{{ messages[3] | tojson }}|{{ 'q\"\\\\\\n' | tojson }}|{{ nothing | tojson }}",
    "{{ tools | tojson(indent=2) }}",
    "{{ n | string }}{{ f | string }}|{{ '42' | int + 1 }}|{{ '2.5' | float }}|{{ 2.7 | int }}|{{ 'x' | int }}",
    "{{ d | items | list }}|{{ 'ab' | list }}|{{ items | sort }}|{{ words | sort }}|{{ items | reverse | list }}",
    "{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='role') | join(',') }}",
    "{{ messages | rejectattr('role', 'eq', 'user') | list | length }}|{{ items | select('odd') | list }}",
    "{{ messages | map(attribute='role') | unique | list }}|{{ items | max }}|{{ items | min }}|{{ items | sum }}",
    "{{ -3 | abs }}|{{ 2.567 | round(2) }}|{{ 'line1\\nline2' | indent(2) }}|{{ 'a b  c' | wordcount }}",
    "{{ d | dictsort }}|{{ '<b>' | e }}|{{ '<b>' | safe }}|{{ ['x', 'y'] | join }}",
    # string and dict methods
    "{{ '  x  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ '  x'.lstrip() }}|{{ 'x  '.rstrip() }}|",
    "{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a,b,c'.split(',', 1) }} {{ 'a,b,c'.rsplit(',', 1) }}",
    "{{ s.startswith('Hell') }} {{ s.endswith('x') }} {{ s.startswith(('x', 'H')) }} {{ s.replace('o', '0') }}",
    "{{ s.upper() }} {{ s.lower() }} {{ s.find('o') }} {{ s.count('l') }} {{ '-'.join(words) }} {{ s.title() }}",
    "{{ messages[2].content.split('</think>')[-1] }}|{{ messages[2].content.split('</think>')[0].strip() }}",
    "{{ d.get('b') }} {{ d.get('zz', 'none!') }} {{ d.keys() | list }} {{ d.values() | list | length }}",
    # macros, filter blocks, generation
    "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', punct='?') }}",
    "{% filter upper %}shout {{ n }}{% endfilter %}",
    # transformers helpers
    "{{ raise_exception('stop here') }}",
    "{% if messages[0].role != 'user' %}{{ raise_exception('must start with user') }}{% endif %}",
    # errors Jinja raises too
    "{{ undefined_var.attr }}",
    "{{ 'a' + 1 }}",
    "{{ 1 / 0 }}",
]


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' chat-template tojson
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    cases = []
    for source in CASES:
        case = {"template": source}
        try:
            case["rendered"] = env.from_string(source).render(**VARIABLES)
        except Exception as e:  # noqa: BLE001 - any render error is what the case records
            case["error"] = True
            case["python_error"] = f"{type(e).__name__}: {e}"
        cases.append(case)
    out = {"source": f"jinja2 {jinja2.__version__}, transformers' chat template environment",
           "variables": VARIABLES, "cases": cases}
    target = Path(__file__).resolve().parent / "data" / "jinja_reference.json"
    target.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target} ({len(cases)} cases)")


if __name__ == "__main__":
    main()

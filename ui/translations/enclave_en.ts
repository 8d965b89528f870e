<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>Format</name>
    <message>
        <source>%1 GiB</source>
        <translation>%1 GiB</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <source>%1 B</source>
        <translation>%1 B</translation>
    </message>
    <message>
        <source>%1 M</source>
        <translation>%1 M</translation>
    </message>
    <message>
        <source>%1 K</source>
        <translation>%1 K</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 k</source>
        <translation>%1 k</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Enclave</source>
        <translation>Enclave</translation>
    </message>
    <message>
        <source>Enclave cannot open its conversation database:
%1</source>
        <translation>Enclave cannot open its conversation database:
%1</translation>
    </message>
</context>
<context>
    <name>enclave::ui::ChatPage</name>
    <message>
        <source>New chat</source>
        <translation>New chat</translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>Start a new conversation (Ctrl+N)</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>Search conversations</translation>
    </message>
    <message>
        <source>System prompt, sampling and export for this conversation</source>
        <translation>System prompt, sampling and export for this conversation</translation>
    </message>
    <message>
        <source>Open model library</source>
        <translation>Open model library</translation>
    </message>
    <message>
        <source>Start a conversation</source>
        <translation>Start a conversation</translation>
    </message>
    <message>
        <source>Everything stays on this computer: the model runs here and the conversation is saved in your local database.</source>
        <translation>Everything stays on this computer: the model runs here and the conversation is saved in your local database.</translation>
    </message>
    <message>
        <source>Enclave</source>
        <translation>Enclave</translation>
    </message>
    <message>
        <source>The conversation could not be saved: %1</source>
        <translation>The conversation could not be saved: %1</translation>
    </message>
    <message>
        <source>Loading the model… You can read your conversations meanwhile.</source>
        <translation>Loading the model… You can read your conversations meanwhile.</translation>
    </message>
    <message>
        <source>The model is still loading</source>
        <translation>The model is still loading</translation>
    </message>
    <message>
        <source>No model is loaded. Load one in the model library to start chatting.</source>
        <translation>No model is loaded. Load one in the model library to start chatting.</translation>
    </message>
    <message>
        <source>Load a model first</source>
        <translation>Load a model first</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation>%1 / %2 tokens</translation>
    </message>
    <message>
        <source>Context in use: the prompt and the answer so far. When it is full, the oldest messages are left out.</source>
        <translation>Context in use: the prompt and the answer so far. When it is full, the oldest messages are left out.</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Rename…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Delete…</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>Rename conversation</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Title:</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>Delete conversation</translation>
    </message>
    <message>
        <source>Delete "%1" and all its messages? This cannot be undone.</source>
        <translation>Delete "%1" and all its messages? This cannot be undone.</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>Export conversation</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Could not write %1: %2</translation>
    </message>
    <message>
        <source>%1 has no tokenizer: type token ids (for example 1, 17, 200). Each message is a prompt on its own, and the answer shows the generated ids.</source>
        <translation>%1 has no tokenizer: type token ids (for example 1, 17, 200). Each message is a prompt on its own, and the answer shows the generated ids.</translation>
    </message>
</context>
<context>
    <name>enclave::ui::CodeBlockWidget</name>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Copy the code</source>
        <translation>Copy the code</translation>
    </message>
    <message>
        <source>code</source>
        <translation>code</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Copied</translation>
    </message>
</context>
<context>
    <name>enclave::ui::Composer</name>
    <message>
        <source>Message the model…</source>
        <translation>Message the model…</translation>
    </message>
    <message>
        <source>Ctrl+Enter to send · Esc to stop</source>
        <translation>Ctrl+Enter to send · Esc to stop</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Stop the answer (Esc)</source>
        <translation>Stop the answer (Esc)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Send</translation>
    </message>
</context>
<context>
    <name>enclave::ui::ConversationSettingsPanel</name>
    <message>
        <source>Conversation settings</source>
        <translation>Conversation settings</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>System prompt</translation>
    </message>
    <message>
        <source>Instructions the model follows in this conversation</source>
        <translation>Instructions the model follows in this conversation</translation>
    </message>
    <message>
        <source>0 always picks the most likely token; DeepSeek-R1 recommends 0.5 to 0.7</source>
        <translation>0 always picks the most likely token; DeepSeek-R1 recommends 0.5 to 0.7</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Off</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Random</translation>
    </message>
    <message>
        <source>The same seed and settings give the same answer</source>
        <translation>The same seed and settings give the same answer</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperature</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>Max tokens</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Hide the model's reasoning</source>
        <translation>Hide the model's reasoning</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>Export conversation</translation>
    </message>
    <message>
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
</context>
<context>
    <name>enclave::ui::MainWindow</name>
    <message>
        <source>Enclave</source>
        <translation>Enclave</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Model folders, default device, theme and language (Ctrl+,)</source>
        <translation>Model folders, default device, theme and language (Ctrl+,)</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Models</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>Index folders of PDF, Word, HTML and text files and ask questions answered with cited sources. Coming in a later version.</source>
        <translation>Index folders of PDF, Word, HTML and text files and ask questions answered with cited sources. Coming in a later version.</translation>
    </message>
    <message>
        <source>Hardware</source>
        <translation>Hardware</translation>
    </message>
    <message>
        <source>Check whether a model fits a GPU, how fast it will run and what it costs, before anything is downloaded. Coming in a later version.</source>
        <translation>Check whether a model fits a GPU, how fast it will run and what it costs, before anything is downloaded. Coming in a later version.</translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>Monitor</translation>
    </message>
    <message>
        <source>Live charts of GPU utilisation, memory, temperature, power and the engine's tokens per second. Coming in a later version.</source>
        <translation>Live charts of GPU utilisation, memory, temperature, power and the engine's tokens per second. Coming in a later version.</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Loading %1…</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 tok/s</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>No model loaded</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Model: %1</translation>
    </message>
    <message>
        <source>GPU %1</source>
        <translation>GPU %1</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>VRAM in use: %1</source>
        <translation>VRAM in use: %1</translation>
    </message>
    <message>
        <source>Memory in use: %1</source>
        <translation>Memory in use: %1</translation>
    </message>
    <message>
        <source>– tok/s</source>
        <translation>– tok/s</translation>
    </message>
</context>
<context>
    <name>enclave::ui::MessageWidget</name>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Send edited message</source>
        <translation>Send edited message</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>Previous version</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Next version</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Copy the message as Markdown</source>
        <translation>Copy the message as Markdown</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Regenerate</translation>
    </message>
    <message>
        <source>Write a new answer; this one stays as an earlier version</source>
        <translation>Write a new answer; this one stays as an earlier version</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>Edit and send again; the original stays as an earlier version</source>
        <translation>Edit and send again; the original stays as an earlier version</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Copied</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Assistant</translation>
    </message>
    <message>
        <source>You</source>
        <translation>You</translation>
    </message>
    <message numerus="yes">
        <source>%n tokens</source>
        <translation><numerusform>%n token</numerusform><numerusform>%n tokens</numerusform></translation>
    </message>
    <message>
        <source>*Waiting for the model…*</source>
        <translation>*Waiting for the model…*</translation>
    </message>
    <message numerus="yes">
        <source>%n earlier message(s) were left out because the conversation no longer fits the model's context.</source>
        <translation><numerusform>%n earlier message was left out because the conversation no longer fits the model's context.</numerusform><numerusform>%n earlier messages were left out because the conversation no longer fits the model's context.</numerusform></translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Stopped.</translation>
    </message>
    <message>
        <source>Interrupted: Enclave closed while this answer was being written.</source>
        <translation>Interrupted: Enclave closed while this answer was being written.</translation>
    </message>
    <message>
        <source>The engine failed: %1</source>
        <translation>The engine failed: %1</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
</context>
<context>
    <name>enclave::ui::ModelLibraryPage</name>
    <message>
        <source>Model library</source>
        <translation>Model library</translation>
    </message>
    <message>
        <source>GGUF files and Hugging Face folders found in your model folders. Models are read from disk only; nothing is downloaded.</source>
        <translation>GGUF files and Hugging Face folders found in your model folders. Models are read from disk only; nothing is downloaded.</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Add folder…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Rescan</source>
        <translation>Rescan</translation>
    </message>
    <message>
        <source>No models found. Add a folder that holds .gguf files or Hugging Face model folders.</source>
        <translation>No models found. Add a folder that holds .gguf files or Hugging Face model folders.</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Load</translation>
    </message>
    <message>
        <source>CPU: %1 (%2)</source>
        <translation>CPU: %1 (%2)</translation>
    </message>
    <message>
        <source>GPU %1: %2 (%3)</source>
        <translation>GPU %1: %2 (%3)</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> tokens</translation>
    </message>
    <message>
        <source>Unload</source>
        <translation>Unload</translation>
    </message>
    <message>
        <source>Open file…</source>
        <translation>Open file…</translation>
    </message>
    <message>
        <source>Load a model file that is not in your folders</source>
        <translation>Load a model file that is not in your folders</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Device</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Context</translation>
    </message>
    <message>
        <source>Loading… %p%</source>
        <translation>Loading… %p%</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Start chatting</source>
        <translation>Start chatting</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>Loading %1… %p%</source>
        <translation>Loading %1… %p%</translation>
    </message>
    <message>
        <source>%1 is loaded on %2 (%3) with a %4-token context, using %5.</source>
        <translation>%1 is loaded on %2 (%3) with a %4-token context, using %5.</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Note: %1</translation>
    </message>
    <message>
        <source>Loading was cancelled. No model is loaded.</source>
        <translation>Loading was cancelled. No model is loaded.</translation>
    </message>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>The model could not be loaded: %1</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>No model is loaded.</translation>
    </message>
    <message>
        <source>Add a model folder</source>
        <translation>Add a model folder</translation>
    </message>
    <message>
        <source>Open a model</source>
        <translation>Open a model</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF models (*.gguf)</translation>
    </message>
</context>
<context>
    <name>enclave::ui::ModelTableModel</name>
    <message>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>Architecture</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameters</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>Quantisation</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>Fits this machine</source>
        <translation>Fits this machine</translation>
    </message>
    <message>
        <source>This model cannot be read: %1</source>
        <translation>This model cannot be read: %1</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>unreadable</translation>
    </message>
    <message>
        <source>Yes (%1)</source>
        <translation>Yes (%1)</translation>
    </message>
    <message>
        <source>No: needs %1</source>
        <translation>No: needs %1</translation>
    </message>
    <message>
        <source>Needs about %1 with a %2-token context; %3 has %4 usable. Estimate: weights, KV cache, compute buffers and overhead.</source>
        <translation>Needs about %1 with a %2-token context; %3 has %4 usable. Estimate: weights, KV cache, compute buffers and overhead.</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unknown</translation>
    </message>
</context>
<context>
    <name>enclave::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Model folders</source>
        <translation>Model folders</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Add…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Add a model folder</source>
        <translation>Add a model folder</translation>
    </message>
    <message>
        <source>Defaults and appearance</source>
        <translation>Defaults and appearance</translation>
    </message>
    <message>
        <source>CPU: %1</source>
        <translation>CPU: %1</translation>
    </message>
    <message>
        <source>GPU %1: %2</source>
        <translation>GPU %1: %2</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> tokens</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>Same as the system</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Light</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dark</translation>
    </message>
    <message>
        <source>The new language is used the next time Enclave starts.</source>
        <translation>The new language is used the next time Enclave starts.</translation>
    </message>
    <message>
        <source>Default device</source>
        <translation>Default device</translation>
    </message>
    <message>
        <source>Default context</source>
        <translation>Default context</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Theme</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
</context>
<context>
    <name>enclave::ui::ThinkingBlock</name>
    <message>
        <source>Show or hide the model's reasoning</source>
        <translation>Show or hide the model's reasoning</translation>
    </message>
    <message>
        <source>Copy the reasoning</source>
        <translation>Copy the reasoning</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Copied</translation>
    </message>
    <message>
        <source>Thinking… %1</source>
        <translation>Thinking… %1</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>Thinking…</translation>
    </message>
    <message>
        <source>Thought for %1</source>
        <translation>Thought for %1</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>Reasoning</translation>
    </message>
</context>
<context>
    <name>enclave::ui::HardwarePage</name>
    <message>
        <source>Hardware</source>
        <translation>Hardware</translation>
    </message>
    <message>
        <source>Will a model fit, how fast will it run, and what does it cost? Estimated from the model&apos;s shape before anything is downloaded.</source>
        <translation>Will a model fit, how fast will it run, and what does it cost? Estimated from the model&apos;s shape before anything is downloaded.</translation>
    </message>
    <message>
        <source>Estimate</source>
        <translation>Estimate</translation>
    </message>
    <message>
        <source>What runs on this hardware: every preset at every quantisation, at the context, parallel sequences, KV type and GPUs chosen on the Estimate tab. Cells show the decode speed per sequence.</source>
        <translation>What runs on this hardware: every preset at every quantisation, at the context, parallel sequences, KV type and GPUs chosen on the Estimate tab. Cells show the decode speed per sequence.</translation>
    </message>
    <message>
        <source>What runs here</source>
        <translation>What runs here</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Cost</translation>
    </message>
    <message>
        <source>From a file...</source>
        <translation>From a file...</translation>
    </message>
    <message>
        <source>Browse...</source>
        <translation>Browse...</translation>
    </message>
    <message>
        <source>A GGUF file, a Hugging Face model folder or its config.json</source>
        <translation>A GGUF file, a Hugging Face model folder or its config.json</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <source>Quantisation</source>
        <translation>Quantisation</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> tokens</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>Context length</translation>
    </message>
    <message>
        <source>Sequences decoded together, each with its own context</source>
        <translation>Sequences decoded together, each with its own context</translation>
    </message>
    <message>
        <source>Parallel sequences</source>
        <translation>Parallel sequences</translation>
    </message>
    <message>
        <source>KV cache type</source>
        <translation>KV cache type</translation>
    </message>
    <message>
        <source>CPU only (host RAM)</source>
        <translation>CPU only (host RAM)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1, this machine</source>
        <translation>%1, this machine</translation>
    </message>
    <message>
        <source>%1, reference only</source>
        <translation>%1, reference only</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Number of GPUs</source>
        <translation>Number of GPUs</translation>
    </message>
    <message>
        <source>All</source>
        <translation>All</translation>
    </message>
    <message>
        <source>Repeating layers offloaded to the GPU(s); the rest run on the CPU</source>
        <translation>Repeating layers offloaded to the GPU(s); the rest run on the CPU</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU layers</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>Weights</translation>
    </message>
    <message>
        <source>KV cache</source>
        <translation>KV cache</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>Compute</translation>
    </message>
    <message>
        <source>Usable</source>
        <translation>Usable</translation>
    </message>
    <message>
        <source>Overhead</source>
        <translation>Overhead</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Memory</translation>
    </message>
    <message>
        <source>Memory per device</source>
        <translation>Memory per device</translation>
    </message>
    <message>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>Choose a model</translation>
    </message>
    <message>
        <source>GGUF or config.json (*.gguf config.json);;All files (*)</source>
        <translation>GGUF or config.json (*.gguf config.json);;All files (*)</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>File: %1</translation>
    </message>
    <message>
        <source>Choose a GGUF file or a Hugging Face model folder.</source>
        <translation>Choose a GGUF file or a Hugging Face model folder.</translation>
    </message>
    <message>
        <source>Trained maximum: %1 tokens</source>
        <translation>Trained maximum: %1 tokens</translation>
    </message>
    <message>
        <source>No estimate</source>
        <translation>No estimate</translation>
    </message>
    <message>
        <source>Fits. Largest context that fits: %1 tokens.</source>
        <translation>Fits. Largest context that fits: %1 tokens.</translation>
    </message>
    <message>
        <source>Does not fit: %1</source>
        <translation>Does not fit: %1</translation>
    </message>
    <message>
        <source>Weights %1 (%2 parameters, %3 bits per weight), KV cache %4.</source>
        <translation>Weights %1 (%2 parameters, %3 bits per weight), KV cache %4.</translation>
    </message>
    <message>
        <source>Decode: %1 tok/s per sequence (%2 tok/s with the context full). Prefill: %3 tok/s.</source>
        <translation>Decode: %1 tok/s per sequence (%2 tok/s with the context full). Prefill: %3 tok/s.</translation>
    </message>
    <message>
        <source>Per GPU: %1 of %2 usable. Host RAM: %3 of %4.</source>
        <translation>Per GPU: %1 of %2 usable. Host RAM: %3 of %4.</translation>
    </message>
    <message>
        <source>Host RAM: %1 of %2.</source>
        <translation>Host RAM: %1 of %2.</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warning: %1</translation>
    </message>
    <message>
        <source>GPU %1</source>
        <translation>GPU %1</translation>
    </message>
    <message>
        <source>Host RAM</source>
        <translation>Host RAM</translation>
    </message>
    <message>
        <source>VRAM %1</source>
        <translation>VRAM %1</translation>
    </message>
    <message>
        <source>RAM %1</source>
        <translation>RAM %1</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n/a</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 tok/s</translation>
    </message>
    <message>
        <source>Fits: %1, up to %2 tokens of context</source>
        <translation>Fits: %1, up to %2 tokens of context</translation>
    </message>
    <message>
        <source>does not fit</source>
        <translation>does not fit</translation>
    </message>
    <message>
        <source>Needs %1</source>
        <translation>Needs %1</translation>
    </message>
</context>
<context>
    <name>enclave::ui::MonitorPage</name>
    <message>
        <source>Alert: %1</source>
        <translation>Alert: %1</translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>Monitor</translation>
    </message>
    <message>
        <source>GPU %1: %2</source>
        <translation>GPU %1: %2</translation>
    </message>
    <message>
        <source>Last minute</source>
        <translation>Last minute</translation>
    </message>
    <message>
        <source>Last 5 minutes</source>
        <translation>Last 5 minutes</translation>
    </message>
    <message>
        <source>Last 10 minutes</source>
        <translation>Last 10 minutes</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation>Export CSV...</translation>
    </message>
    <message>
        <source>%1. Driver %2, CUDA %3.</source>
        <translation>%1. Driver %2, CUDA %3.</translation>
    </message>
    <message>
        <source>No NVIDIA GPU detected. CPU, memory and engine charts keep working. (%1)</source>
        <translation>No NVIDIA GPU detected. CPU, memory and engine charts keep working. (%1)</translation>
    </message>
    <message>
        <source>GPU utilisation</source>
        <translation>GPU utilisation</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Memory controller</source>
        <translation>Memory controller</translation>
    </message>
    <message>
        <source>VRAM</source>
        <translation>VRAM</translation>
    </message>
    <message>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Used</translation>
    </message>
    <message>
        <source>Held by the engine</source>
        <translation>Held by the engine</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperature</translation>
    </message>
    <message>
        <source>°C</source>
        <translation>°C</translation>
    </message>
    <message>
        <source>Power</source>
        <translation>Power</translation>
    </message>
    <message>
        <source>W</source>
        <translation>W</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>Draw</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>Limit</translation>
    </message>
    <message>
        <source>Clocks</source>
        <translation>Clocks</translation>
    </message>
    <message>
        <source>MHz</source>
        <translation>MHz</translation>
    </message>
    <message>
        <source>SM</source>
        <translation>SM</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Memory</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>Engine</translation>
    </message>
    <message>
        <source>tok/s</source>
        <translation>tok/s</translation>
    </message>
    <message>
        <source>Tokens per second</source>
        <translation>Tokens per second</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>All cores</source>
        <translation>All cores</translation>
    </message>
    <message>
        <source>Enclave</source>
        <translation>Enclave</translation>
    </message>
    <message>
        <source>RAM</source>
        <translation>RAM</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Process</translation>
    </message>
    <message>
        <source>Processes on the selected GPU</source>
        <translation>Processes on the selected GPU</translation>
    </message>
    <message>
        <source>This process (host memory)</source>
        <translation>This process (host memory)</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>GPU %1%, VRAM %2 of %3, %4, %5 of %6, SM %7, fan %8, PCIe rx %9/s tx %10/s, clock limits: %11</source>
        <translation>GPU %1%, VRAM %2 of %3, %4, %5 of %6, SM %7, fan %8, PCIe rx %9/s tx %10/s, clock limits: %11</translation>
    </message>
    <message>
        <source>CPU %1, RAM %2 of %3, engine %4 at %5 tok/s</source>
        <translation>CPU %1, RAM %2 of %3, engine %4 at %5 tok/s</translation>
    </message>
    <message>
        <source>%1 (this process)</source>
        <translation>%1 (this process)</translation>
    </message>
    <message>
        <source>Export samples</source>
        <translation>Export samples</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export failed</translation>
    </message>
</context>
<context>
    <name>enclave::ui::TcoPanel</name>
    <message>
        <source>Local hardware</source>
        <translation>Local hardware</translation>
    </message>
    <message>
        <source> W</source>
        <translation> W</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source> % per year</source>
        <translation> % per year</translation>
    </message>
    <message>
        <source>Purchase price</source>
        <translation>Purchase price</translation>
    </message>
    <message>
        <source>Power under load</source>
        <translation>Power under load</translation>
    </message>
    <message>
        <source>Electricity per kWh</source>
        <translation>Electricity per kWh</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>Utilisation</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>Maintenance</translation>
    </message>
    <message>
        <source>Cloud API</source>
        <translation>Cloud API</translation>
    </message>
    <message>
        <source> M</source>
        <translation> M</translation>
    </message>
    <message>
        <source> years</source>
        <translation> years</translation>
    </message>
    <message>
        <source>Per million input tokens</source>
        <translation>Per million input tokens</translation>
    </message>
    <message>
        <source>Per million output tokens</source>
        <translation>Per million output tokens</translation>
    </message>
    <message>
        <source>Input tokens per day</source>
        <translation>Input tokens per day</translation>
    </message>
    <message>
        <source>Output tokens per day</source>
        <translation>Output tokens per day</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>Local (cumulative)</source>
        <translation>Local (cumulative)</translation>
    </message>
    <message>
        <source>Cloud API (cumulative)</source>
        <translation>Cloud API (cumulative)</translation>
    </message>
    <message>
        <source>Break-even</source>
        <translation>Break-even</translation>
    </message>
    <message>
        <source>Total cost of ownership</source>
        <translation>Total cost of ownership</translation>
    </message>
    <message>
        <source>Years</source>
        <translation>Years</translation>
    </message>
    <message>
        <source>USD</source>
        <translation>USD</translation>
    </message>
    <message>
        <source>Break-even after %1 years (%2 months): local %3 vs cloud %4 over %5 years.</source>
        <translation>Break-even after %1 years (%2 months): local %3 vs cloud %4 over %5 years.</translation>
    </message>
    <message>
        <source>Break-even after %1 years, beyond the %2 shown: the cloud is cheaper over this period.</source>
        <translation>Break-even after %1 years, beyond the %2 shown: the cloud is cheaper over this period.</translation>
    </message>
    <message>
        <source>No break-even: the cloud API stays cheaper than running this hardware.</source>
        <translation>No break-even: the cloud API stays cheaper than running this hardware.</translation>
    </message>
    <message>
        <source>Running cost %1 per year (energy %2), cloud %3 per year.</source>
        <translation>Running cost %1 per year (energy %2), cloud %3 per year.</translation>
    </message>
    <message>
        <source>One machine cannot produce that many output tokens a day at %1 tok/s (it would need %2% of the day).</source>
        <translation>One machine cannot produce that many output tokens a day at %1 tok/s (it would need %2% of the day).</translation>
    </message>
    <message>
        <source>At %1 tok/s the hardware needs %2% of the day for the output tokens.</source>
        <translation>At %1 tok/s the hardware needs %2% of the day for the output tokens.</translation>
    </message>
</context>
</TS>
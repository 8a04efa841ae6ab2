import {Box, Text, useInput} from 'ink';
import {useReducer, useState} from 'react';
import type {ConfirmQuestion, SelectQuestion, TextQuestion} from '../../wizard/prompter.js';
import {type Command, commandFor} from '../keys.js';
import type {PromptRequest} from '../model/ui-state.js';
import {COLOR, SYMBOL} from '../theme.js';
import {emptyField, reduceTextField, submission} from './text-field-state.js';

export interface PromptPaneProps {
  readonly prompt: PromptRequest & {readonly seq: number};
  readonly onAnswer: (value: string | boolean) => void;
  /** Commands that are not about the answer (quit, help). */
  readonly onCommand: (command: Command) => void;
}

function Question({message, help}: {readonly message: string; readonly help?: string}) {
  return (
    <>
      <Text>
        <Text color={COLOR.accent} bold>?</Text> <Text bold>{message}</Text>
      </Text>
      {help ? <Text color={COLOR.muted}>{help}</Text> : null}
    </>
  );
}

function TextPrompt({question, onAnswer, onCommand}: {readonly question: TextQuestion} & Omit<PromptPaneProps, 'prompt'>) {
  const [field, dispatch] = useReducer(reduceTextField, emptyField);
  useInput((input, key) => {
    const command = commandFor(input, key, 'text');
    if (command === 'submit') {
      const {answer, rule} = submission(question, field);
      if (rule) dispatch({type: 'refuse', rule});
      else onAnswer(answer);
    } else if (command === 'erase') dispatch({type: 'erase'});
    else if (command === 'clear') dispatch({type: 'clear'});
    else if (command) onCommand(command);
    else if (!key.ctrl && !key.meta) dispatch({type: 'type', text: input});
  });
  const mask = (s: string) => '•'.repeat(s.length);
  const proposal = question.isSecret ? 'Enter keeps the generated one' : `Enter: ${question.default === '' ? '(empty)' : question.default}`;
  return (
    <>
      <Question message={question.message} help={question.help} />
      <Text>
        <Text color={COLOR.focus}>{SYMBOL.pointer} </Text>
        {field.value === '' ? <Text color={COLOR.muted}>{proposal}</Text> : <Text>{question.isSecret ? mask(field.value) : field.value}</Text>}
        <Text color={COLOR.focus}>▏</Text>
      </Text>
      {field.error ? <Text color={COLOR.error}>{`${SYMBOL.failed} ${question.isSecret ? 'the passphrase' : 'the answer'} ${field.error}`}</Text> : null}
    </>
  );
}

function SelectPrompt({question, onAnswer, onCommand}: {readonly question: SelectQuestion<string>} & Omit<PromptPaneProps, 'prompt'>) {
  const [index, setIndex] = useState(() => Math.max(0, question.choices.findIndex((c) => c.value === question.default)));
  useInput((input, key) => {
    const command = commandFor(input, key, 'select');
    const count = question.choices.length;
    if (command === 'up') setIndex((i) => (i + count - 1) % count);
    else if (command === 'down') setIndex((i) => (i + 1) % count);
    else if (command === 'submit') onAnswer(question.choices[index]!.value);
    else if (command) onCommand(command);
  });
  const labelWidth = Math.max(...question.choices.map((c) => c.label.length));
  return (
    <>
      <Question message={question.message} help={question.help} />
      {question.choices.map((choice, i) => (
        <Text key={choice.value} wrap="truncate-end">
          <Text color={COLOR.focus}>{i === index ? `${SYMBOL.pointer} ` : '  '}</Text>
          <Text bold={i === index} color={i === index ? COLOR.focus : undefined}>{choice.label.padEnd(labelWidth)}</Text>
          {choice.hint ? <Text color={COLOR.muted}>  {choice.hint}</Text> : null}
        </Text>
      ))}
    </>
  );
}

function ConfirmPrompt({question, onAnswer, onCommand}: {readonly question: ConfirmQuestion} & Omit<PromptPaneProps, 'prompt'>) {
  useInput((input, key) => {
    const command = commandFor(input, key, 'confirm');
    if (command === 'yes') onAnswer(true);
    else if (command === 'no') onAnswer(false);
    else if (command === 'submit') onAnswer(question.default);
    else if (command) onCommand(command);
  });
  return (
    <>
      <Question message={question.message} help={question.help} />
      <Text>
        <Text color={COLOR.focus}>{SYMBOL.pointer} </Text>
        <Text color={COLOR.muted}>{question.default ? 'Y/n (Enter: yes)' : 'y/N (Enter: no)'}</Text>
      </Text>
    </>
  );
}

/** The question on screen: text (masked for secrets), a list of choices, or yes/no. A new seq resets the field. */
export function PromptPane({prompt, onAnswer, onCommand}: PromptPaneProps) {
  const field =
    prompt.kind === 'text' ? (
      <TextPrompt key={prompt.seq} question={prompt.question} onAnswer={onAnswer} onCommand={onCommand} />
    ) : prompt.kind === 'select' ? (
      <SelectPrompt key={prompt.seq} question={prompt.question} onAnswer={onAnswer} onCommand={onCommand} />
    ) : (
      <ConfirmPrompt key={prompt.seq} question={prompt.question} onAnswer={onAnswer} onCommand={onCommand} />
    );
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={COLOR.accent} paddingX={1}>
      {field}
    </Box>
  );
}

/** Rows the prompt pane takes (message lines are estimated from the width). */
export function promptHeight(prompt: PromptRequest, width: number): number {
  const q = prompt.question;
  const lines = (text: string) => Math.ceil((text.length + 2) / Math.max(20, width - 4));
  const body = prompt.kind === 'select' ? prompt.question.choices.length : prompt.kind === 'text' ? 2 : 1;
  return 2 + lines(q.message) + (q.help ? lines(q.help) : 0) + body;
}
